import { messageOf } from "../../domain/errors.js";
import type { PassSummary } from "../../engine/types.js";
import type { Logger } from "../../logging/logger.js";

export interface PassLoopOptions {
  runOnce: () => Promise<PassSummary>;
  /** The polling fallback: a pass at least this often. */
  intervalMs: number;
  /** Hints arriving within this window share one pass. */
  debounceMs?: number;
  signal: AbortSignal;
  logger: Logger;
}

export interface PassLoop {
  /** Asks for a pass soon (a webhook hint, new findings); never two passes at once. */
  wake(reason: string): void;
  /** Passes until the signal aborts. */
  run(): Promise<void>;
}

const DEFAULT_DEBOUNCE_MS = 250;

/**
 * The daemon's reconcile loop: one pass at a time, every `intervalMs`, and sooner when woken.
 * The engine has no per-ticket entry point, and needs none: its pass starts with the one change
 * query per ITSM instance, which finds the ticket a webhook named. A wake during a pass is not
 * lost: another pass follows it.
 */
export function createPassLoop(options: PassLoopOptions): PassLoop {
  const { signal, logger } = options;
  const debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
  let woken = false;
  let release: (() => void) | null = null;
  let debounce: NodeJS.Timeout | null = null;

  const releaseSoon = (): void => {
    if (release === null || debounce !== null) return;
    debounce = setTimeout(() => {
      debounce = null;
      release?.();
    }, debounceMs);
  };

  const wait = (): Promise<void> =>
    new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        if (debounce !== null) clearTimeout(debounce);
        debounce = null;
        release = null;
        signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, options.intervalMs);
      release = done;
      signal.addEventListener("abort", done, { once: true });
      if (woken) releaseSoon();
    });

  return {
    wake(reason) {
      logger.debug("daemon.woken", { reason });
      woken = true;
      releaseSoon();
    },
    async run() {
      while (!signal.aborted) {
        woken = false;
        try {
          await options.runOnce();
        } catch (error) {
          logger.error("engine.pass_failed", {
            error: messageOf(error),
          });
        }
        if (signal.aborted) return;
        await wait();
      }
    },
  };
}
