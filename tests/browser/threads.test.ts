// The thread pool in headless Chromium, through the single-file build: on a cross-origin isolated
// page (served with the COOP and COEP headers) ready({ threads: 2, threadsWasm }) runs GEMM on the
// page's thread and a Web Worker (the main thread spins where a worker would block), with the JS
// reference's values, and a trap in the worker is an Error in the page; on a page served without
// the headers there is no SharedArrayBuffer, and ready() runs on one thread, saying once which two
// headers would enable the pool.
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { collectErrors, describeBrowser, launch, serveStatic, type StaticServer } from "./chromium.js";

const ROOT = join(import.meta.dirname, "..", "..");
const ISOLATION = { "cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp" };

interface Outcome {
  isolated: boolean;
  threads: number;
  /** Whether one 256×128×160 GEMM (above the pool's 2²² multiply-adds) matches the JS reference. */
  equal: boolean;
  trap: string;
  warnings: string[];
}

describeBrowser("the thread pool in headless Chromium", () => {
  let isolated: StaticServer;
  let plain: StaticServer;
  let browser: Browser;

  beforeAll(async () => {
    isolated = await serveStatic(ROOT, { headers: ISOLATION });
    plain = await serveStatic(ROOT);
    browser = await launch();
  });

  afterAll(async () => {
    await browser?.close();
    await isolated?.close();
    await plain?.close();
  });

  async function inPage(server: StaticServer): Promise<Outcome> {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    const warnings: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "warning") warnings.push(m.text());
    });
    await page.goto(`${server.base}/package.json`);
    // A string, not a function: vitest rewrites the import() of a function's source.
    const result = (await page.evaluate(`(async () => {
      const wn = await import("/dist/wasmnn.browser.js");
      await wn.ready({ threads: 2, threadsWasm: "/dist/wasmnn.threads.wasm" });
      const pooled = wn.backend("wasm");
      const m = 256, n = 128, k = 160;
      const put = (b, values) => { const p = b.heap.alloc(values.length * 4); b.heap.f32(p, values.length).set(values); return p; };
      const seeded = (len, s) => Float32Array.from({ length: len }, (_, i) => Math.sin(0.37 * i + s));
      const gemm = (b) => {
        const a = put(b, seeded(m * k, 1)), bb = put(b, seeded(k * n, 2)), c = b.heap.alloc(m * n * 4);
        b.gemm(a, bb, c, m, n, k, false, false, false);
        return Array.from(b.heap.f32(c, m * n));
      };
      const two = gemm(pooled);
      const one = gemm(wn.backend("js"));
      // C placed so that the caller's half of its rows fits in memory and the worker's does not.
      let trap = "";
      try {
        const a = pooled.heap.alloc(m * k * 4), bb = pooled.heap.alloc(k * n * 4);
        pooled.gemm(a, bb, pooled.heap.byteLength - (m / 2) * n * 4, m, n, k, false, false, false);
      } catch (err) { trap = err.message; }
      return {
        isolated: self.crossOriginIsolated,
        threads: wn.threads(),
        equal: two.every((v, i) => Math.abs(v - one[i]) <= 1e-4 * (1 + Math.abs(one[i]))),
        trap,
      };
    })()`)) as Omit<Outcome, "warnings">;
    await page.close();
    expect(errors.filter((e) => !e.includes("/favicon.ico"))).toEqual([]);
    return { ...result, warnings };
  }

  it("runs GEMM on the page and a Web Worker on a cross-origin isolated page, and a trap in the worker is an Error", async () => {
    const r = await inPage(isolated);
    expect(r.isolated).toBe(true);
    expect(r.threads).toBe(2);
    expect(r.equal).toBe(true);
    expect(r.trap).toMatch(/^wasmnn thread pool: gemmStrided, part 2 of 2: memory access out of bounds/);
    expect(r.warnings).toEqual([]);
  });

  it("runs on one thread without the isolation headers, and says once which headers enable the pool", async () => {
    const r = await inPage(plain);
    expect(r.isolated).toBe(false);
    expect(r.threads).toBe(1);
    expect(r.equal).toBe(true);
    expect(r.warnings).toEqual([
      "wasmnn: ready({ threads: 2 }) runs on one thread here: SharedArrayBuffer needs a cross-origin isolated page: serve it with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp",
    ]);
  });
});
