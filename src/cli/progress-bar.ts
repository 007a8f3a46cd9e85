const MB = 1024 * 1024;
const BAR_WIDTH = 24;
/** At most ten redraws a second: a redraw per 96 KB chunk would cost more than the read. */
const MIN_INTERVAL_MS = 100;
/** Return to the start of the line and erase it (ECMA-48 EL). */
const CLEAR_LINE = "\r\u001b[K";

export interface ProgressBar {
  /** Bytes read so far of the total; redraws when the last redraw is old enough. */
  update(bytesRead: number, totalBytes: number): void;
  /** Erases the bar, so that what is written next starts on a clean line. */
  clear(): void;
}

/**
 * A one-line progress bar for a terminal: bytes read of the total, the percentage and the rate,
 * redrawn in place on standard error. `now` is injected so that a test can drive it.
 */
export function createProgressBar(
  write: (text: string) => void,
  now: () => number = () => performance.now(),
): ProgressBar {
  let started: number | null = null;
  let drawnAt = -Infinity;
  let drawn = false;
  return {
    update(bytesRead, totalBytes) {
      const at = now();
      started ??= at;
      const done = bytesRead >= totalBytes;
      if (!done && at - drawnAt < MIN_INTERVAL_MS) return;
      drawnAt = at;
      drawn = true;
      write(CLEAR_LINE + renderProgress(bytesRead, totalBytes, at - started));
    },
    clear() {
      if (drawn) write(CLEAR_LINE);
      drawn = false;
    },
  };
}

/** `[#########---------------]  38%  392.0/1024.0 MB  121.3 MB/s` */
export function renderProgress(
  bytesRead: number,
  totalBytes: number,
  elapsedMs: number,
): string {
  const share = totalBytes > 0 ? Math.min(1, bytesRead / totalBytes) : 1;
  const filled = Math.round(share * BAR_WIDTH);
  const bar = "#".repeat(filled) + "-".repeat(BAR_WIDTH - filled);
  const percent = `${Math.floor(share * 100)}%`.padStart(4);
  const amount = `${(bytesRead / MB).toFixed(1)}/${(totalBytes / MB).toFixed(1)} MB`;
  const rate =
    elapsedMs > 0
      ? `${(bytesRead / MB / (elapsedMs / 1000)).toFixed(1)} MB/s`
      : "- MB/s";
  return `[${bar}] ${percent}  ${amount}  ${rate}`;
}
