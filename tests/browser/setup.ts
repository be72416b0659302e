// vitest global setup: the one line that says the browser tests were skipped, and how to run them.
import { skipLine } from "./chromium.js";

export default function setup(): void {
  const line = skipLine();
  if (line !== null) console.log(`\n${line}\n`);
}
