// Run by tests/summary-reporter.test.ts (not by the suite): a test that fails, one that passes,
// a beforeAll that fails (its two tests are then skipped) and an afterAll that fails.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

describe("a suite whose beforeAll fails", () => {
  beforeAll(() => {
    throw new Error("could not launch");
  });
  it("is skipped", () => expect(1).toBe(1));
  it("is skipped too", () => expect(1).toBe(1));
});

describe("a suite whose afterAll fails", () => {
  afterAll(() => {
    throw new Error("could not clean up");
  });
  it("passes", () => expect(1).toBe(1));
});

it("fails", () => expect(1).toBe(2));
