// The Wasm cores in headless Chromium, which runs relaxed SIMD: with no location, "auto" takes the
// inlined plain core (only that one is inlined); the relaxed core loads from a location given to
// ready(), and reports itself through simd(); a 1×2 by 2×1 product whose second step adds a·b,
// a = b = 1 + 2⁻¹², to the first step's −(1 + 2⁻¹¹) tells a fused multiply-add (2⁻²⁴) from a
// rounded product (0).
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { collectErrors, describeBrowser, launch, serveStatic, type StaticServer } from "./chromium.js";

const ROOT = join(import.meta.dirname, "..", "..");

describeBrowser("the relaxed and plain cores in headless Chromium", () => {
  let server: StaticServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await serveStatic(ROOT);
    browser = await launch();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function inPage(options: Record<string, string>): Promise<{ simd: string; gemm: number } | { error: string }> {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await page.goto(`${server.base}/package.json`);
    // A string, not a function: vitest rewrites the import() of a function's source.
    const result = (await page.evaluate(`(async () => {
      const wn = await import("/dist/src/index.js");
      try {
        await wn.ready(${JSON.stringify(options)});
        const b = wn.backend("wasm");
        const a = b.heap.alloc(8), bb = b.heap.alloc(8), c = b.heap.alloc(4);
        b.heap.f32(a, 2).set([-(1 + 2 ** -11), 1 + 2 ** -12]);
        b.heap.f32(bb, 2).set([1, 1 + 2 ** -12]);
        b.gemm(a, bb, c, 1, 1, 2, false, false, false);
        return { simd: wn.simd(), gemm: b.heap.f32(c, 1)[0] };
      } catch (err) {
        return { error: err.message };
      }
    })()`)) as { simd: string; gemm: number } | { error: string };
    await page.close();
    // A page that is not HTML makes Chromium ask for a favicon the server does not have.
    expect(errors.filter((e) => !e.includes("/favicon.ico"))).toEqual([]);
    return result;
  }

  it("auto without a location: the inlined plain core", async () => {
    expect(await inPage({})).toEqual({ simd: "plain", gemm: 0 });
  });

  it("the relaxed core from its location, fused", async () => {
    expect(await inPage({ wasm: "/dist/wasmnn.relaxed.wasm", simd: "relaxed" })).toEqual({ simd: "relaxed", gemm: 2 ** -24 });
    expect(await inPage({ wasm: "/dist/wasmnn.relaxed.wasm" })).toEqual({ simd: "relaxed", gemm: 2 ** -24 });
  });

  it("relaxed without a location is refused, naming the file to pass", async () => {
    expect(await inPage({ simd: "relaxed" })).toEqual({
      error: 'wasmnn: could not instantiate the Wasm core from its default location: the relaxed-SIMD core is not inlined (only the plain one is, to keep the page small); pass the location of wasmnn.relaxed.wasm to ready({ wasm, simd: "relaxed" })',
    });
  });
});
