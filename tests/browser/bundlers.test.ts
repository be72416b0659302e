// The packed package (npm pack) in an empty app, as a web developer meets it: the same tiny app
// (tests/browser/app: XOR trained on the page, then again in a module Worker) served by Vite's
// dev server, built by `vite build`, bundled by esbuild --platform=browser, and loaded with no
// bundler and no import map from the single-file build. Each with no configuration at all.
import { copyFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { build as viteBuild, createServer, type Logger } from "vite";
import { build as esbuild } from "esbuild";
import { appWith } from "../package/pack.js";
import { describeBrowser, launch, pageResult, serveStatic } from "./chromium.js";

const APP_SOURCES = join(import.meta.dirname, "app");

interface AppResult {
  error?: string;
  main?: { backend: string; probs: number[] };
  worker?: { probs: number[]; batches: number; ticks: number };
}

/** A Vite logger that keeps every warning and error. */
function recordingLogger(messages: string[]): Logger {
  const keep = (m: string) => void messages.push(m);
  return { info() {}, warn: keep, warnOnce: keep, error: keep, clearScreen() {}, hasErrorLogged: () => false, hasWarned: false };
}

function expectXorApp(result: AppResult, errors: string[]): void {
  expect(errors).toEqual([]);
  expect(result.error).toBeUndefined();
  expect(result.main!.backend).toBe("wasm");
  const [p00, p01, p10, p11] = result.main!.probs;
  expect([p00, p11].every((p) => p < 0.05) && [p01, p10].every((p) => p > 0.95)).toBe(true);
  // Same seed, same core, same steps: the worker's weights give exactly the page's predictions.
  expect(result.worker!.probs).toEqual(result.main!.probs);
  expect(result.worker!.batches).toBe(400);
  // The page's own timer kept firing while the worker trained.
  expect(result.worker!.ticks).toBeGreaterThanOrEqual(5);
}

describeBrowser("the packed package in Chromium, with each bundler and none, no configuration", () => {
  let browser: Browser;
  let app: string;

  beforeAll(async () => {
    app = appWith("bundlers", APP_SOURCES);
    browser = await launch();
  });

  afterAll(async () => {
    await browser?.close();
    if (app) rmSync(app, { recursive: true, force: true });
  });

  it("Vite dev server: trains XOR on the page and in a module Worker, without a warning", async () => {
    const messages: string[] = [];
    const server = await createServer({ root: app, configFile: false, customLogger: recordingLogger(messages), server: { port: 0, host: "127.0.0.1" } });
    try {
      await server.listen();
      const { result, errors } = await pageResult<AppResult>(browser, server.resolvedUrls!.local[0]);
      expectXorApp(result, errors);
      expect(messages).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it("vite build: the same, without a warning, emitting no .wasm file (the core comes inlined, in a chunk of its own)", async () => {
    const messages: string[] = [];
    const outDir = join(app, "out-vite");
    await viteBuild({ root: app, configFile: false, logLevel: "warn", customLogger: recordingLogger(messages), build: { outDir, emptyOutDir: true } });
    expect(messages).toEqual([]);
    const assets = readdirSync(join(outDir, "assets"));
    expect(assets.filter((f) => f.endsWith(".wasm"))).toEqual([]);
    expect(assets.filter((f) => f.startsWith("wasm-inline-"))).toHaveLength(1);
    const server = await serveStatic(outDir);
    try {
      const { result, errors } = await pageResult<AppResult>(browser, `${server.base}/`);
      expectXorApp(result, errors);
    } finally {
      await server.close();
    }
  });

  it("esbuild --bundle --platform=browser: the same, without a warning", async () => {
    const outdir = join(app, "out-esbuild");
    const built = await esbuild({ entryPoints: [join(app, "main.js"), join(app, "worker.js")], bundle: true, format: "esm", platform: "browser", outdir, logLevel: "silent" });
    expect([...built.errors, ...built.warnings]).toEqual([]);
    copyFileSync(join(app, "index.html"), join(outdir, "index.html"));
    const server = await serveStatic(outdir);
    try {
      const { result, errors } = await pageResult<AppResult>(browser, `${server.base}/`);
      expectXorApp(result, errors);
      expect(server.requests.filter((r) => !r.startsWith("200"))).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it("no bundler, no import map: the single-file build on the page and in a module Worker, then dist/src's modules in the Worker", async () => {
    const server = await serveStatic(app);
    try {
      for (const query of ["", "?worker=src"]) {
        server.requests.length = 0;
        const { result, errors } = await pageResult<AppResult>(browser, `${server.base}/static.html${query}`);
        expectXorApp(result, errors);
        expect(server.requests.filter((r) => !r.startsWith("200"))).toEqual([]);
        expect(server.requests.filter((r) => r.endsWith(".wasm"))).toEqual([]);
        const modules = server.requests.filter((r) => r.includes("/node_modules/wasmnn/"));
        // The page and its worker each load the one file.
        if (query === "") expect(modules).toEqual(["200 /node_modules/wasmnn/dist/wasmnn.browser.js", "200 /node_modules/wasmnn/dist/wasmnn.browser.js"]);
        else expect(modules.length).toBeGreaterThan(50); // plain modules, each with relative imports only
      }
    } finally {
      await server.close();
    }
  });
});
