// The configuration of tests/summary-reporter.test.ts's inner run over the fixtures here.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: { include: ["*.fixture.ts"], reporters: ["../summary-reporter.ts"], pool: "forks" },
});
