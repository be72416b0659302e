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

/**
 * Run `run` as if stopped (Ctrl-C, a crash) right after it logs a line containing `at`: the log
 * call throws, and the run must end with that error. The lines logged up to then.
 */
export async function stoppedAt(run: () => Promise<unknown>, at: string): Promise<string[]> {
  const lines: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => {
    lines.push(a.join(" "));
    if (lines[lines.length - 1].includes(at)) throw new Error(`stopped after "${at}"`);
  });
  try {
    await run().then(
      () => {
        throw new Error(`the run ended without logging "${at}"`);
      },
      (e: Error) => {
        if (!e.message.startsWith("stopped after")) throw e;
      },
    );
  } finally {
    log.mockRestore();
  }
  return lines;
}
