// Reading the project's Markdown for the doc tests: its TypeScript code blocks (with the test
// directives an HTML comment right above a block may give) and its relative links.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const ROOT = join(import.meta.dirname, "..", "..");

/** README.md and every page of the guide, as paths relative to the root. */
export function documentedFiles(): string[] {
  const guide = readdirSync(join(ROOT, "docs", "guide")).filter((f) => f.endsWith(".md")).sort();
  return ["README.md", ...guide.map((f) => `docs/guide/${f}`)];
}

export interface CodeBlock {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The code as the reader sees it. */
  code: string;
  /** The code as the test runs it: with the directive's replacements made. */
  run: string;
  /** Replacements that found nothing to replace (a directive gone stale). */
  unmatched: string[];
  /** Text that the block's output must contain, in order: the `// → text` comments. */
  expected: string[];
}

/**
 * The directive a block may carry, in an HTML comment just above its fence (invisible on GitHub):
 *
 *     <!-- test: replace "epochs: 10" with "epochs: 1"; replace "8_000" with "500" -->
 *
 * Each `replace "a" with "b"` swaps every a for b in the code the test runs, so that a block that
 * trains for minutes runs in seconds under test while readers see the real budget.
 */
const DIRECTIVE = /^<!--\s*test:(.*)-->\s*$/;
const REPLACE = /replace\s+"((?:[^"\\]|\\.)*)"\s+with\s+"((?:[^"\\]|\\.)*)"/g;
/** `// → text` at the end of a line: what that line prints (or a line it prints contains). */
const EXPECT = /\/\/\s*→\s*(.+?)\s*$/;

export function codeBlocks(file: string): CodeBlock[] {
  const lines = readFileSync(join(ROOT, file), "utf8").split("\n");
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(\w*)\s*$/.exec(lines[i]);
    if (!fence) continue;
    const start = i;
    let end = i + 1;
    while (end < lines.length && !/^```\s*$/.test(lines[end])) end++;
    i = end;
    if (fence[1] !== "ts" && fence[1] !== "typescript") continue;
    const code = lines.slice(start + 1, end).join("\n");
    let k = start - 1;
    while (k >= 0 && lines[k].trim() === "") k--;
    const directive = k >= 0 ? DIRECTIVE.exec(lines[k].trim()) : null;
    let run = code;
    const unmatched: string[] = [];
    for (const m of directive ? directive[1].matchAll(REPLACE) : []) {
      const [from, to] = [m[1], m[2]].map((s) => s.replace(/\\(.)/g, "$1"));
      if (!run.includes(from)) unmatched.push(from);
      run = run.split(from).join(to);
    }
    const expected = code.split("\n").flatMap((l) => EXPECT.exec(l)?.[1] ?? []);
    blocks.push({ file, line: start + 1, code, run, unmatched, expected });
  }
  return blocks;
}

/** Relative link targets of a Markdown file ([text](target) and ![alt](target)), without #anchors. */
export function relativeLinks(file: string): { target: string; line: number }[] {
  const out: { target: string; line: number }[] = [];
  let inFence = false;
  readFileSync(join(ROOT, file), "utf8").split("\n").forEach((l, i) => {
    if (/^```/.test(l)) inFence = !inFence;
    if (inFence) return;
    for (const m of l.matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      const target = m[1];
      if (/^[a-z]+:/i.test(target) || target.startsWith("#")) continue;
      out.push({ target: target.split("#")[0], line: i + 1 });
    }
  });
  return out;
}
