// The progress table the character-level language models print while they train (LSTM and GPT
// alike, so their runs read side by side): wall and CPU time, characters, rate, bits/char.

/** Seconds of this process's CPU time since the call. */
export function cpuSince(): () => number {
  const cpu0 = process.cpuUsage();
  return () => {
    const u = process.cpuUsage(cpu0);
    return (u.user + u.system) / 1e6;
  };
}

/** The table's header; `note` says what the held-out column measures. */
export function textHeader(note: string): string {
  return `${"wall".padStart(6)} ${"cpu".padStart(6)} ${"chars".padStart(10)} ${"chars/s".padStart(8)} ${"train".padStart(7)} ${"held-out".padStart(9)}   (bits/char; held-out: ${note})`;
}

/** One row: elapsed wall seconds, CPU seconds, characters so far, train and held-out bits/char. */
export function textRow(elapsed: number, cpu: number, chars: number, train: number, heldOut: number): string {
  return (
    `${(elapsed / 60).toFixed(1).padStart(4)} m ${cpu.toFixed(0).padStart(5)} s ${String(chars).padStart(10)} ${(chars / elapsed).toFixed(0).padStart(8)} ` +
    `${train.toFixed(3).padStart(7)} ${heldOut.toFixed(3).padStart(9)}`
  );
}
