// Prints one plain closing line after vitest's own summary, so that any log reader (CI
// included) can count the run without parsing vitest's format:
//   "N passed, N failed, N skipped" and, when anything failed outside a test, what it was:
//   "(failed: 2 tests, 1 file that did not load, 1 hook, 1 unhandled error)".
// A failed hook (a beforeAll that could not launch a browser, say) marks its tests skipped, not
// failed, so hooks and files are counted on their own: a run with any of them is a failed run.
import type { Reporter, TestModule } from "vitest/node";

export function summarize(testModules: ReadonlyArray<TestModule>, unhandled: number): string {
  let passed = 0;
  let failedTests = 0;
  let skipped = 0;
  let files = 0;
  let hooks = 0;
  for (const m of testModules) {
    const tests = [...m.children.allTests()];
    // Errors of a file itself: it did not load, or a hook at its top level failed.
    if (m.errors().length > 0) {
      if (tests.length === 0) files++;
      else hooks += m.errors().length;
    }
    for (const s of m.children.allSuites()) hooks += s.errors().length;
    for (const t of tests) {
      const s = t.result().state;
      if (s === "passed") passed++;
      else if (s === "failed") failedTests++;
      else skipped++;
    }
  }
  const failed = failedTests + files + hooks + unhandled;
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  const parts = [
    failedTests > 0 ? plural(failedTests, "test", "tests") : "",
    files > 0 ? plural(files, "file that did not load", "files that did not load") : "",
    hooks > 0 ? plural(hooks, "hook", "hooks") : "",
    unhandled > 0 ? plural(unhandled, "unhandled error", "unhandled errors") : "",
  ].filter((p) => p !== "");
  const detail = failed > failedTests ? ` (failed: ${parts.join(", ")})` : "";
  return `${passed} passed, ${failed} failed, ${skipped} skipped${detail}`;
}

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    console.log(`\n${summarize(testModules, unhandledErrors.length)}`);
  }
}
