// Docs that cannot go stale: every TypeScript block of README.md and docs/guide/*.md is written to
// a file of its own, typechecked against the published types, and run with Node as a reader would
// run it (`import … from "wasmnn"`, which resolves to the build in dist/: `npm test` builds first;
// alone, run `npm run build` before this file). A block that trains may declare a smaller budget
// for the test in an HTML comment above it (see markdown.ts); a `// → text` comment on a line
// asserts that the output contains that text, in order.
import { execFile } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { codeBlocks, documentedFiles, ROOT, type CodeBlock } from "./markdown.js";

const DIR = join(ROOT, "out", "doc-snippets");
const files = documentedFiles();
const blocks = files.flatMap(codeBlocks);
const nameOf = (b: CodeBlock): string => `${b.file.replace(/^docs\/guide\//, "guide-").replace(/\.md$/, "").replace(/[^\w-]/g, "_")}-L${b.line}.ts`;

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], timeout: number): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd: DIR, timeout, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === "number" ? err.code : -1) : 0, stdout, stderr: stderr + (err && typeof err.code !== "number" ? String(err) : "") });
    });
  });
}

const outcomes = new Map<CodeBlock, Outcome>();
let typecheck: Outcome;

beforeAll(async () => {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  for (const b of blocks) writeFileSync(join(DIR, nameOf(b)), b.run + "\n");
  writeFileSync(join(DIR, "tsconfig.json"), JSON.stringify({ extends: "../../tsconfig.json", compilerOptions: { noEmit: true }, include: ["*.ts"] }));
  typecheck = await run(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"], 300_000);
  // Two at a time: the machine has two cores, and most blocks are short.
  const queue = [...blocks];
  const worker = async (): Promise<void> => {
    for (let b = queue.shift(); b !== undefined; b = queue.shift()) outcomes.set(b, await run(process.execPath, ["--import", "tsx", nameOf(b)], 180_000));
  };
  await Promise.all([worker(), worker()]);
}, 900_000);

describe("the code blocks of README.md and docs/guide/", () => {
  it("are found on every page but the guide's index, and counted", () => {
    const counts = files.map((f) => [f, blocks.filter((b) => b.file === f).length] as const);
    console.log(`${blocks.length} TypeScript blocks in ${files.length} files: ${counts.map(([f, n]) => `${f.replace("docs/guide/", "guide/")} ${n}`).join(", ")}`);
    for (const [f, n] of counts) if (f !== "docs/guide/README.md") expect(n, `${f} has no TypeScript block`).toBeGreaterThan(0);
    expect(outcomes.size).toBe(blocks.length);
  });

  it("declare no budget substitution that no longer matches the code", () => {
    for (const b of blocks) expect(b.unmatched, `${b.file}:${b.line}`).toEqual([]);
  });

  it("typecheck against wasmnn's published types", () => {
    // tsc names the snippet file and line; the file name says which page and fence it came from.
    expect(typecheck.stdout + typecheck.stderr).toBe("");
    expect(typecheck.code).toBe(0);
  });

  for (const b of blocks) {
    it(`${b.file}:${b.line} runs${b.expected.length > 0 ? ` and prints ${b.expected.length} checked line(s)` : ""}`, () => {
      const o = outcomes.get(b)!;
      expect(o.stderr.trim() === "" ? "" : o.stderr, `stderr of ${nameOf(b)}`).toBe("");
      expect(o.code, `exit code of ${nameOf(b)}`).toBe(0);
      const lines = o.stdout.split("\n");
      let at = 0;
      for (const want of b.expected) {
        while (at < lines.length && !lines[at].includes(want)) at++;
        expect(at < lines.length, `${b.file}:${b.line}: no output line containing "${want}" (in order); got:\n${o.stdout}`).toBe(true);
        at++;
      }
    });
  }
});
