// A model saved by Node, loaded in a page: headless Chromium fetches model.safetensors (the
// architecture rides in its metadata), rebuilds the model with load() from the Response or from
// a Blob, trains nothing, and predicts what Node predicted for the same inputs.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { io, manualSeed, models, noGrad, rand, ready, setBackend, toSafetensors } from "../../src/index.js";
import { describeBrowser, launch, pageResult, serveStatic, type StaticServer } from "./chromium.js";

const ROOT = join(import.meta.dirname, "..", "..");

describeBrowser("a saved model in the browser (headless Chromium)", () => {
  /** Files made in this test, served under /files/. */
  const made = new Map<string, Uint8Array>();
  let server: StaticServer;
  let browser: Browser;
  let want: { predictions: number[]; shape: number[] };

  beforeAll(async () => {
    if (!existsSync(join(ROOT, "dist", "src", "index.js"))) throw new Error("dist/ is missing: run `npm run build` (npm test does) first");
    await ready();
    setBackend("wasm");
    manualSeed(12);
    const model = models.lenet({ batchNorm: true, channels: [3, 4], hidden: [8], dropout: 0.2 });
    for (const [k, b] of model.namedBuffers()) if (k.endsWith("running_var")) b.set(rand([b.size]).toArray().map((v) => 0.5 + v));
    const x = rand([3, 1, 28, 28]);
    const y = noGrad(() => model.eval().forward(x));
    want = { predictions: Array.from(y.toArray()), shape: [...y.shape] };
    made.set("/files/model.safetensors", toSafetensors(model));
    made.set("/files/input.safetensors", io.writeSafetensors([["input", { shape: x.shape, data: x.toArray() }]]));
    server = await serveStatic(ROOT, { files: made });
    browser = await launch();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  type Result = { predictions?: number[]; shape?: number[]; describe?: string; error?: string };

  async function inPage(query: string): Promise<Result> {
    const { result, errors } = await pageResult<Result>(browser, `${server.base}/web/model.html${query}`);
    // A model that is not there shows up as the one failed request.
    expect(errors.filter((e) => !e.includes("/files/none.safetensors"))).toEqual([]);
    return result;
  }

  for (const as of ["response", "blob"]) {
    it(`load(${as === "blob" ? "Blob" : "fetch Response"}) rebuilds LeNet with batch norm and predicts as Node did`, async () => {
      const r = await inPage(`?model=/files/model.safetensors&input=/files/input.safetensors&as=${as}`);
      expect(r.error).toBeUndefined();
      expect(r.describe).toBe("Sequential");
      expect(r.shape).toEqual(want.shape);
      const diff = Math.max(...r.predictions!.map((v, i) => Math.abs(v - want.predictions[i])));
      expect(diff).toBeLessThan(1e-6);
    });
  }

  it("a missing file is a clear error in the page", async () => {
    const r = await inPage("?model=/files/none.safetensors&input=/files/input.safetensors");
    expect(r.error).toMatch(/^load: the response for http:\/\/127\.0\.0\.1:\d+\/files\/none\.safetensors is 404 Not Found, not a model file$/);
  });
});
