// The guide is complete and its links hold: every concept and architecture has its page, linked
// from the index; every page explains with a picture, points into the source, and has a snippet;
// every relative link of README.md and the guide resolves; no figure is left unused.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { describe, expect, it } from "vitest";
import { codeBlocks, documentedFiles, relativeLinks, ROOT } from "./markdown.js";

/** The seed concepts, in reading order. */
const CONCEPTS = ["neurons", "weights-and-biases", "activation-functions", "layers", "architecture", "loss-functions", "backpropagation", "optimization", "training-data"];
/** One page per architecture that wasmnn implements. */
const ARCHITECTURES = ["feed-forward", "cnn", "rnn", "lstm", "gru", "autoencoder", "gan", "rbf-network", "mixture-of-experts", "capsule-network", "transformer"];
const PAGES = [...CONCEPTS, ...ARCHITECTURES].map((p) => `docs/guide/${p}.md`);
const INDEX = "docs/guide/README.md";

const resolve = (file: string, target: string): string => normalize(join(dirname(file), decodeURI(target)));

describe("the guide", () => {
  it("has a page for every concept and architecture, each linked from the index, and no page the index leaves out", () => {
    const linked = new Set(relativeLinks(INDEX).map((l) => resolve(INDEX, l.target)));
    for (const page of PAGES) {
      expect(existsSync(join(ROOT, page)), `${page} exists`).toBe(true);
      expect(linked.has(page), `${INDEX} links ${page}`).toBe(true);
    }
    const present = readdirSync(join(ROOT, "docs", "guide")).filter((f) => f.endsWith(".md") && f !== "README.md");
    for (const f of present) expect(linked.has(`docs/guide/${f}`), `${INDEX} links docs/guide/${f}`).toBe(true);
  });

  it("gives every page a title, a figure, a source file that implements it, and a snippet", () => {
    for (const page of PAGES) {
      const text = readFileSync(join(ROOT, page), "utf8");
      expect(text.startsWith("# "), `${page} starts with a title`).toBe(true);
      const links = relativeLinks(page).map((l) => resolve(page, l.target));
      expect(links.some((l) => /^docs\/figures\/[\w-]+\.png$/.test(l)) && /!\[[^\]]+\]\(\.\.\/figures\//.test(text), `${page} shows a figure with alt text`).toBe(true);
      expect(links.some((l) => /^src\/.+\.ts$/.test(l)), `${page} links a file under src/`).toBe(true);
      expect(codeBlocks(page).length, `${page} has a TypeScript snippet`).toBeGreaterThan(0);
    }
  });

  it("resolves every relative link of README.md and the guide", () => {
    let count = 0;
    for (const file of documentedFiles()) {
      for (const { target, line } of relativeLinks(file)) {
        count++;
        expect(existsSync(join(ROOT, resolve(file, target))), `${file}:${line} links ${target}`).toBe(true);
      }
    }
    expect(count).toBeGreaterThan(150);
  });

  it("shows every figure of docs/figures on some page", () => {
    const shown = new Set(documentedFiles().flatMap((f) => relativeLinks(f).map((l) => resolve(f, l.target))));
    const figures = readdirSync(join(ROOT, "docs", "figures")).filter((f) => f.endsWith(".png"));
    expect(figures.length).toBeGreaterThanOrEqual(18);
    for (const f of figures) expect(shown.has(`docs/figures/${f}`), `docs/figures/${f} is shown`).toBe(true);
  });
});
