// Run by tests/summary-reporter.test.ts (not by the suite): a file that throws while it loads.
import { it } from "vitest";

throw new Error("this file does not load");
it("never collected", () => {});
