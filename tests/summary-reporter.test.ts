// The closing summary line counts failed tests, files that did not load and failed hooks, and
// the browser tests skip with one line without Chromium, fail fast in CI (no hook waiting out
// its timeout). Each case is an inner vitest run, read from its output.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");
const VITEST = join(ROOT, "node_modules", "vitest", "vitest.mjs");

/** An inner run: all its output, its exit status, and the last line it printed to stdout. */
function vitest(args: string[], env: Record<string, string>): { out: string; status: number | null; last: string | undefined } {
  const run = spawnSync(process.execPath, [VITEST, "run", ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", ...env } });
  return { out: run.stdout + run.stderr, status: run.status, last: run.stdout.trim().split("\n").at(-1) };
}

describe("the closing summary line", () => {
  it("counts a failed test, a file that did not load and two failed hooks", () => {
    const { status, last } = vitest(["--root", join(ROOT, "tests", "summary-fixtures")], {});
    expect(status).toBe(1);
    expect(last).toBe("1 passed, 4 failed, 2 skipped (failed: 1 test, 1 file that did not load, 2 hooks)");
  });
});

describe("the browser tests without Chromium", () => {
  const noChromium = { WASMNN_CHROMIUM: "/nonexistent/chromium" };

  it("are skipped locally, with one line saying how to run them", () => {
    const { out, status, last } = vitest(["tests/browser/xor.test.ts"], { ...noChromium, CI: "" });
    expect(status).toBe(0);
    expect(out.match(/^browser tests skipped: .*$/gm)).toEqual([
      "browser tests skipped: no Chromium at /nonexistent/chromium (install Debian's chromium, or set WASMNN_CHROMIUM to a Chromium binary; CI=true requires them)",
    ]);
    expect(last).toBe("0 passed, 0 failed, 4 skipped");
  });

  it("fail in CI, at once: the failed launch is counted and no hook waits out its timeout", () => {
    const { out, status, last } = vitest(["tests/browser/xor.test.ts"], { ...noChromium, CI: "true" });
    expect(status).toBe(1);
    expect(out).toContain("the browser tests need Chromium at /nonexistent/chromium (CI=true requires them)");
    expect(out).not.toMatch(/timed out/i);
    expect(last).toBe("0 passed, 1 failed, 4 skipped (failed: 1 hook)");
  });
});
