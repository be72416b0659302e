// The repository's own page, web/xor.html, in headless Chromium: it imports dist/ as plain ES
// modules (no bundler, no import map), trains XOR and reports its predictions. Also checked:
// the inline entry, a location for the .wasm file given to ready(), and the error when the file
// is not there.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { describeBrowser, launch, pageResult, serveStatic, type StaticServer } from "./chromium.js";

const ROOT = join(import.meta.dirname, "..", "..");

type Result = { backend?: string; probs?: number[]; loss?: number; error?: string };

describeBrowser("web/xor.html in headless Chromium", () => {
  let server: StaticServer;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(join(ROOT, "dist", "src", "index.js"))) throw new Error("dist/ is missing: run `npm run build` (npm test does) first");
    // /custom/core.wasm serves the core from an unusual place, to test the location override.
    server = await serveStatic(ROOT, { alias: { "/custom/core.wasm": "/dist/wasmnn.wasm" } });
    browser = await launch();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function trainInPage(query: string): Promise<Result> {
    server.requests.length = 0;
    const { result, errors } = await pageResult<Result>(browser, `${server.base}/web/xor.html${query}`);
    // A core that is not where it was said to be shows up as the one failed request.
    expect(errors.filter((e) => !e.includes("/nowhere/core.wasm"))).toEqual([]);
    return result;
  }

  const wasmRequests = () => server.requests.filter((r) => r.endsWith(".wasm"));

  function expectXor(r: Result): void {
    expect(r.error).toBeUndefined();
    expect(r.backend).toBe("wasm");
    const [p00, p01, p10, p11] = r.probs!;
    expect(p00).toBeLessThan(0.05);
    expect(p01).toBeGreaterThan(0.95);
    expect(p10).toBeGreaterThan(0.95);
    expect(p11).toBeLessThan(0.05);
  }

  it("trains XOR from dist/'s plain modules, the core from its inlined copy", async () => {
    expectXor(await trainInPage(""));
    expect(wasmRequests()).toEqual([]);
  });

  it("trains XOR with the inline entry", async () => {
    expectXor(await trainInPage("?entry=inline"));
    expect(wasmRequests()).toEqual([]);
  });

  it("loads the core from a location given to ready()", async () => {
    expectXor(await trainInPage("?wasm=/custom/core.wasm"));
    expect(wasmRequests()).toEqual(["200 /custom/core.wasm"]);
  });

  it("names the location it tried when the core is not there", async () => {
    const r = await trainInPage("?wasm=/nowhere/core.wasm");
    expect(r.error).toBe(`wasmnn: could not instantiate the Wasm core from /nowhere/core.wasm: HTTP status 404 for ${server.base}/nowhere/core.wasm`);
  });
});
