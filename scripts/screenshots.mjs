// `npm run screenshots`: builds the pages, drives them in headless Chromium, and writes the
// pictures the README shows: docs/playground.png (XOR learned by a 4-4 network) and
// docs/digits.png (the CNN trained in the page, reading a drawn 7).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build, preview } from "vite";
import { chromium } from "playwright-core";

const out = mkdtempSync(join(tmpdir(), "wasmnn-screenshots-"));
await build({ configFile: "web/vite.config.ts", logLevel: "error", build: { outDir: out } });
const server = await preview({ configFile: "web/vite.config.ts", logLevel: "error", build: { outDir: out }, preview: { port: 0, host: "127.0.0.1" } });
const base = server.resolvedUrls.local[0];
const browser = await chromium.launch({ executablePath: process.env.WASMNN_CHROMIUM ?? "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu"] });

try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
  await page.goto(`${base}playground/`);
  await page.click("[data-dataset=xor]");
  const second = page.locator(".hidden").nth(1);
  await second.locator(".add-neuron").click();
  await second.locator(".add-neuron").click();
  await page.locator("#noise").fill("10");
  await page.locator("#noise").dispatchEvent("change");
  await page.waitForFunction(() => document.querySelector("#epoch").textContent === "000");
  await page.click("#play");
  await page.waitForFunction(() => Number(document.querySelector("#epoch").textContent.replace(/,/g, "")) >= 600, null, { timeout: 60_000 });
  await page.click("#play");
  await page.waitForTimeout(300);
  await page.screenshot({ path: "docs/playground.png" });
  console.log(`docs/playground.png: epoch ${await page.textContent("#epoch")}, test loss ${await page.textContent("#test-loss")}`);

  const digits = await browser.newPage({ viewport: { width: 1280, height: 640 } });
  await digits.goto(`${base}digits/`);
  await digits.waitForSelector("#status[data-done=true]", { timeout: 180_000 });
  const pad = await digits.locator("#pad").boundingBox();
  const stroke = async (points) => {
    await digits.mouse.move(pad.x + points[0][0], pad.y + points[0][1]);
    await digits.mouse.down();
    for (const [x, y] of points.slice(1)) await digits.mouse.move(pad.x + x, pad.y + y, { steps: 4 });
    await digits.mouse.up();
  };
  await stroke([[70, 60], [210, 60], [170, 130], [135, 200], [115, 245]]); // a 7
  await digits.waitForTimeout(500);
  await digits.screenshot({ path: "docs/digits.png" });
  console.log(`docs/digits.png: ${await digits.textContent("#status")} Drawn 7 read as ${await digits.textContent("#prediction")}`);
} finally {
  await browser.close();
  await new Promise((r) => server.httpServer.close(r));
  rmSync(out, { recursive: true, force: true });
}
