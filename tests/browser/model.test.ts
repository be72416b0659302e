// A model saved by Node, loaded in a page: headless Chromium fetches model.safetensors (the
// architecture rides in its metadata), rebuilds the model with load() from the Response or from
// a Blob, trains nothing, and predicts what Node predicted for the same inputs.
import { createServer, type Server } from "node:http";
import { existsSync, readFileSync } from "node:fs";
import { extname, join, normalize } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser } from "playwright-core";
import { io, manualSeed, models, noGrad, rand, ready, setBackend, toSafetensors } from "../../src/index.js";

const ROOT = join(import.meta.dirname, "..", "..");
const CHROMIUM = "/usr/bin/chromium";
/** Files made in this test, served under /files/. */
const made = new Map<string, Uint8Array>();
let server: Server;
let base = "";
let browser: Browser;
let want: { predictions: number[]; shape: number[] };

beforeAll(async () => {
  if (!existsSync(join(ROOT, "dist", "src", "index.js"))) throw new Error("dist/ is missing: run `npm run build` (npm test does) first");
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (.ci/run does)`);
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

  server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    const file = normalize(join(ROOT, path));
    const body = made.get(path) ?? (file.startsWith(ROOT) && existsSync(file) ? readFileSync(file) : undefined);
    if (body === undefined) return void res.writeHead(404).end();
    const type = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm" }[extname(path)] ?? "application/octet-stream";
    res.writeHead(200, { "content-type": type }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const addr = server.address();
  base = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"] });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
});

type Result = { predictions?: number[]; shape?: number[]; describe?: string; error?: string };

async function inPage(query: string): Promise<Result> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${base}/web/model.html${query}`);
  await page.waitForFunction(() => (window as unknown as { __result?: unknown }).__result !== undefined, null, { timeout: 60_000 });
  const result = (await page.evaluate(() => (window as unknown as { __result: unknown }).__result)) as Result;
  await page.close();
  expect(errors).toEqual([]);
  return result;
}

describe("a saved model in the browser (headless Chromium)", () => {
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
