import { setTimeout as sleep } from "node:timers/promises";
import type { SourceEntry } from "../../config/schema.js";
import type { Closeloop } from "../../container/index.js";
import { isCloseloopError, messageOf } from "../../domain/errors.js";
import { pullSource, type SourcePull } from "./pull-source.js";

export interface SourceLoopOptions {
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  /** After each pull that stored something: the daemon wakes its pass loop. */
  onPulled?: (pull: SourcePull) => void;
}

/**
 * Pulls every configured source at start-up and then every `intervalMs` of its own, until the
 * signal aborts. A failed pull is logged and tried again at the next interval; it never stops the
 * daemon or the other sources.
 */
export async function runSourceLoops(
  closeloop: Closeloop,
  options: SourceLoopOptions,
): Promise<void> {
  await Promise.all(
    closeloop.config.sources.map((source) => loop(closeloop, source, options)),
  );
}

async function loop(
  closeloop: Closeloop,
  source: SourceEntry,
  options: SourceLoopOptions,
): Promise<void> {
  while (!options.signal.aborted) {
    try {
      const pull = await pullSource(closeloop, source, options.env);
      const { added, updated, regressions } = pull.summary;
      if (added + updated + regressions > 0) options.onPulled?.(pull);
    } catch (error) {
      closeloop.logger.warn("source.pull_failed", {
        source: source.id,
        kind: source.kind,
        code: isCloseloopError(error) ? error.code : "UNEXPECTED",
        message: messageOf(error),
      });
    }
    try {
      await sleep(source.intervalMs, undefined, { signal: options.signal });
    } catch {
      return;
    }
  }
}
