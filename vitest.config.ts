import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    // The debug build of the core keeps its kernel assertions on.
    env: { WASMNN_DEBUG: "1" },
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    reporters: ["default", "./tests/summary-reporter.ts"],
    // Says in one line when the browser tests are skipped (no Chromium, not in CI).
    globalSetup: ["./tests/browser/setup.ts"],
  },
});
