/**
 * A progress bar for the command-line tools, on stderr so stdout stays the results. On a
 * terminal it redraws one line; in a log (CI, a pipe) it writes a line at each tenth and at the
 * end, so logs stay short.
 */
export interface ProgressBar {
  update(fraction: number, label: string): void;
  /** Ends the bar's line (on a terminal) before other output. */
  end(): void;
}

export function progressBar(stream: NodeJS.WriteStream = process.stderr): ProgressBar {
  let lastDrawn = '';
  let lastFraction = -1;
  return {
    update(fraction, label) {
      const clamped = Math.max(0, Math.min(1, fraction));
      const width = 30;
      const filled = Math.round(clamped * width);
      const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round(clamped * 100)).padStart(3)}% ${label}`;
      if (line === lastDrawn) return;
      if (stream.isTTY) stream.write(`\r${line.padEnd(100).slice(0, Math.max(40, (stream.columns ?? 100) - 1))}`);
      else if (Math.floor(clamped * 10) !== Math.floor(lastFraction * 10) || clamped === 1) stream.write(`${line}\n`);
      lastDrawn = line;
      lastFraction = clamped;
    },
    end() {
      if (stream.isTTY && lastDrawn) stream.write('\n');
      lastDrawn = '';
    },
  };
}
