// Shared by the browser tests: whether they run, headless Chromium, and a static file server.
//
// Locally, a machine without Chromium skips the browser tests (tests/browser/setup.ts prints one
// line saying so); in CI (CI=true) they are required, and a missing browser fails them.
import { createServer } from "node:http";
import { existsSync, readFileSync, statSync } from "node:fs";
import { extname, join, normalize } from "node:path";
import { describe } from "vitest";
import { chromium, type Browser, type Page } from "playwright-core";

export const CHROMIUM = process.env.WASMNN_CHROMIUM ?? "/usr/bin/chromium";
export const browserRequired = process.env.CI === "true";
export const browserAvailable = existsSync(CHROMIUM);

/** `describe` for browser tests: skipped when Chromium is missing, unless CI requires them. */
export const describeBrowser: typeof describe.skip = browserAvailable || browserRequired ? describe : describe.skip;

export function skipLine(): string | null {
  if (browserAvailable || browserRequired) return null;
  return `browser tests skipped: no Chromium at ${CHROMIUM} (install Debian's chromium, or set WASMNN_CHROMIUM to a Chromium binary; CI=true requires them)`;
}

export async function launch(): Promise<Browser> {
  if (!browserAvailable) throw new Error(`the browser tests need Chromium at ${CHROMIUM} (CI=true requires them): install Debian's chromium or set WASMNN_CHROMIUM`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

const TYPES: Record<string, string> = {
  ".html": "text/html",
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".css": "text/css",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".png": "image/png",
  ".gz": "application/gzip",
};

export interface StaticServer {
  base: string;
  /** Every request as "STATUS /path". */
  requests: string[];
  close(): Promise<void>;
}

export interface ServeOptions {
  /** Request paths served from other paths under root. */
  alias?: Record<string, string>;
  /** Request paths served from memory. */
  files?: ReadonlyMap<string, Uint8Array>;
  /** Headers sent with every response (the cross-origin isolation headers, for one). */
  headers?: Record<string, string>;
}

/** Serve `root` on localhost. */
export async function serveStatic(root: string, options: ServeOptions = {}): Promise<StaticServer> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    let path = options.alias?.[url.pathname] ?? url.pathname;
    if (path.endsWith("/")) path += "index.html";
    const file = normalize(join(root, decodeURIComponent(path)));
    const body = options.files?.get(path) ?? (file.startsWith(root) && existsSync(file) && statSync(file).isFile() ? readFileSync(file) : undefined);
    requests.push(`${body ? 200 : 404} ${url.pathname}`);
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { ...options.headers, "content-type": TYPES[extname(path)] ?? "application/octet-stream" }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const addr = server.address();
  return {
    base: `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`,
    requests,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Errors a page reports: uncaught exceptions and console errors (failed loads included). */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()} ${m.location().url}`);
  });
  return errors;
}

/** Open `url` and wait for the page to set `window.__result`. */
export async function pageResult<T>(browser: Browser, url: string, timeout = 90_000): Promise<{ result: T; errors: string[] }> {
  const page = await browser.newPage();
  const errors = collectErrors(page);
  try {
    await page.goto(url);
    await page.waitForFunction(() => (window as unknown as { __result?: unknown }).__result !== undefined, null, { timeout });
    return { result: (await page.evaluate(() => (window as unknown as { __result: unknown }).__result)) as T, errors };
  } finally {
    await page.close();
  }
}
