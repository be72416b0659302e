// The package in a real browser: headless Chromium (Debian's, driven by playwright-core) loads a
// page from localhost that imports dist/ as ES modules, instantiates the Wasm core, trains XOR
// and reports its predictions. Also checked: the build with the core inlined (no .wasm request
// allowed) and an explicit location for the .wasm file.
import { createServer, type Server } from "node:http";
import { existsSync, readFileSync } from "node:fs";
import { extname, join, normalize } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser } from "playwright-core";

const ROOT = join(import.meta.dirname, "..", "..");
const TYPES: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm", ".json": "application/json" };
const CHROMIUM = "/usr/bin/chromium";

let server: Server;
let base = "";
let browser: Browser;
const wasmRequests: string[] = [];

beforeAll(async () => {
  if (!existsSync(join(ROOT, "dist", "src", "index.js"))) throw new Error("dist/ is missing: run `npm run build` (npm test does) first");
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (.ci/run does)`);
  server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    // /custom/core.wasm serves the core from an unusual place, to test the location override.
    const path = url.pathname === "/custom/core.wasm" ? "/dist/wasmnn.wasm" : url.pathname;
    const file = normalize(join(ROOT, path));
    if (path.endsWith(".wasm")) wasmRequests.push(url.pathname);
    if (!file.startsWith(ROOT) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" }).end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const addr = server.address();
  base = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
});

type Result = { backend?: string; probs?: number[]; loss?: number; error?: string };

async function trainInPage(query: string): Promise<Result> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${base}/web/xor.html${query}`);
  await page.waitForFunction(() => (window as unknown as { __result?: unknown }).__result !== undefined, null, { timeout: 60_000 });
  const result = (await page.evaluate(() => (window as unknown as { __result: unknown }).__result)) as Result;
  await page.close();
  expect(errors).toEqual([]);
  return result;
}

function expectXor(r: Result): void {
  expect(r.error).toBeUndefined();
  expect(r.backend).toBe("wasm");
  const [p00, p01, p10, p11] = r.probs!;
  expect(p00).toBeLessThan(0.05);
  expect(p01).toBeGreaterThan(0.95);
  expect(p10).toBeGreaterThan(0.95);
  expect(p11).toBeLessThan(0.05);
}

describe("browser (headless Chromium)", () => {
  it("trains XOR with the Wasm backend from dist/ as plain modules, the core from its inlined copy", async () => {
    wasmRequests.length = 0;
    expectXor(await trainInPage(""));
    expect(wasmRequests).toEqual([]);
  });

  it("trains XOR with the inlined core and fetches no .wasm file", async () => {
    wasmRequests.length = 0;
    expectXor(await trainInPage("?entry=inline"));
    expect(wasmRequests).toEqual([]);
  });

  it("loads the core from a location given to ready()", async () => {
    wasmRequests.length = 0;
    expectXor(await trainInPage("?wasm=/custom/core.wasm"));
    expect(wasmRequests).toEqual(["/custom/core.wasm"]);
  });

  it("reports a clear error when the core is not where it was said to be", async () => {
    const r = await trainInPage("?wasm=/nowhere/core.wasm");
    expect(r.error).toMatch(/could not instantiate the Wasm core from \/nowhere\/core\.wasm/);
  });
});
