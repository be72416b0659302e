// Choosing the backend: which one new tensors land on before and after ready(). This file needs
// a fresh module state (no ready() yet), which vitest gives each test file.
import { describe, expect, it } from "vitest";
import { getBackend, ops, ready, setBackend, tensor } from "../../src/index.js";

describe("the default backend", () => {
  it("a tensor made before ready() is on js, and ready() still makes wasm current", async () => {
    const early = tensor([1, 2, 3]);
    expect(early.backend.name).toBe("js");
    expect(getBackend().name).toBe("js");
    await ready();
    expect(getBackend().name).toBe("wasm");
    const late = tensor([4, 5, 6]);
    expect(late.backend.name).toBe("wasm");
    // The early tensor stays where it was made; meeting a wasm one is a clear error, not a slow run.
    expect(early.backend.name).toBe("js");
    expect(() => ops.add(early, late)).toThrow(/^add: inputs live on different backends \(js and wasm\); create them under one backend \(a tensor made before `await ready\(\)` lives on js\)$/);
  });

  it("a backend named with setBackend stays current through later ready() calls", async () => {
    setBackend("js");
    await ready();
    expect(getBackend().name).toBe("js");
    await ready({ backend: "wasm" });
    expect(getBackend().name).toBe("wasm");
    await ready();
    expect(getBackend().name).toBe("wasm");
  });
});
