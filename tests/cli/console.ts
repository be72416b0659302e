// What a CLI command prints: console.log's lines, captured while it runs.
import { vi } from "vitest";

/** The lines `run` logs; with `quiet`, its progress bars (written to stdout directly) are dropped too. */
export async function printed(run: () => Promise<unknown>, quiet = false): Promise<string[]> {
  const lines: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => void lines.push(a.join(" ")));
  const write = quiet ? vi.spyOn(process.stdout, "write").mockImplementation(() => true) : null;
  try {
    await run();
  } finally {
    log.mockRestore();
    write?.mockRestore();
  }
  return lines;
}
