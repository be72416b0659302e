// Instantiating the core from every kind of source ready() accepts, the errors that name the
// location tried, and the debug build's assertions reported as readable errors.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { instantiateCore } from "../../src/backend/wasm/load.js";

const FILE = join(import.meta.dirname, "..", "..", "build", "wasmnn.wasm");
const bytes = () => new Uint8Array(readFileSync(FILE));

describe("instantiateCore", () => {
  const sources: [string, () => unknown][] = [
    ["a path", () => FILE],
    ["a file: URL string", () => pathToFileURL(FILE).href],
    ["a URL", () => pathToFileURL(FILE)],
    ["bytes", bytes],
    ["an ArrayBuffer", () => bytes().buffer],
    ["a Response with the wasm type (streaming)", () => new Response(bytes(), { headers: { "content-type": "application/wasm" } })],
    ["a Response of another type", () => new Response(bytes(), { headers: { "content-type": "application/octet-stream" } })],
    ["a promise of a Response", () => Promise.resolve(new Response(bytes()))],
    ["a compiled module", () => new WebAssembly.Module(bytes())],
  ];
  for (const [name, source] of sources) {
    it(`from ${name}`, async () => {
      const core = await instantiateCore(source() as never);
      expect(core.heapBase()).toBeGreaterThan(0);
      expect(core.memory.buffer.byteLength).toBe(256 * 65536);
    });
  }

  it("names the path or URL it tried", async () => {
    await expect(instantiateCore("/nowhere/core.wasm")).rejects.toThrow(/^wasmnn: could not instantiate the Wasm core from \/nowhere\/core\.wasm: ENOENT/);
    const missing = new Response("not found", { status: 404 });
    Object.defineProperty(missing, "url", { value: "https://example.test/core.wasm" });
    await expect(instantiateCore(missing)).rejects.toThrow("wasmnn: could not instantiate the Wasm core from the given source: HTTP status 404 for https://example.test/core.wasm");
    await expect(instantiateCore(new Uint8Array([0, 1, 2, 3]))).rejects.toThrow(/^wasmnn: could not instantiate the Wasm core from the given source: .*magic/);
    await expect(instantiateCore(42 as never)).rejects.toThrow("wasmnn: could not instantiate the Wasm core from the given source: expected a URL or path, bytes, a Response or a WebAssembly.Module");
  });

  it("the debug build's failed assertion is an Error naming the kernel, file and line", async () => {
    const core = await instantiateCore(undefined, true);
    expect(() => core.unary(999, 64, 64, 1, 0)).toThrow(/^wasmnn core: assertion failed: unary: unknown op code at assembly\/elementwise\.ts:\d+:\d+$/);
  });
});
