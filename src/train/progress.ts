// A one-line progress bar for terminals: epoch, bar, samples/s, ETA, running loss. Outside a
// terminal (CI logs, pipes, browsers) it stays silent and fit prints one line per epoch instead.

export class ProgressBar {
  private readonly start = performance.now();
  private last = 0;
  private readonly out: NodeJS.WriteStream | null;

  constructor(private readonly label: string, private readonly total: number) {
    const stdout = typeof process !== "undefined" ? process.stdout : undefined;
    this.out = stdout?.isTTY ? stdout : null;
  }

  /** Redraw (at most every 100 ms) after `done` of `total` samples. */
  update(done: number, extra: string): void {
    if (this.out === null) return;
    const now = performance.now();
    if (done < this.total && now - this.last < 100) return;
    this.last = now;
    const secs = (now - this.start) / 1000;
    const rate = done / Math.max(secs, 1e-9);
    const eta = (this.total - done) / Math.max(rate, 1e-9);
    const width = 24;
    const filled = Math.round((width * done) / this.total);
    const bar = "█".repeat(filled) + "░".repeat(width - filled);
    const line = `${this.label} ${bar} ${done}/${this.total} ${Math.round(rate).toLocaleString("en-US")} samples/s ETA ${eta.toFixed(1)}s ${extra}`;
    this.out.write(`\r${line.slice(0, (this.out.columns ?? 120) - 1)}\x1b[K`);
  }

  /** Clear the line. */
  end(): void {
    this.out?.write("\r\x1b[K");
  }
}
