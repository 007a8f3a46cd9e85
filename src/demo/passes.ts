import { setTimeout as sleep } from "node:timers/promises";
import { isEndState } from "../domain/states.js";
import { CloseloopError } from "../domain/errors.js";
import type { Engine } from "../engine/engine.js";
import type { FindingStatusRow } from "../engine/types.js";

const PAUSE_MS = 200;

/**
 * Runs engine passes, as the daemon would, until the (single) finding reaches an end state or
 * `stop` says so, within a deadline. Answers the finding's row at that point.
 */
export async function passUntil(
  engine: Engine,
  signal: AbortSignal,
  deadlineMs: number,
  stop: (row: FindingStatusRow) => true | null,
): Promise<FindingStatusRow> {
  const deadline = Date.now() + deadlineMs;

  for (;;) {
    signal.throwIfAborted();
    await engine.runOnce();
    const [row] = await engine.status();
    if (row !== undefined && (isEndState(row.state) || stop(row) === true)) {
      return row;
    }
    if (Date.now() > deadline) {
      throw new CloseloopError(
        "DEMO_TIMED_OUT",
        `the finding stayed ${row?.state ?? "absent"} for ${deadlineMs} ms` +
          (row?.reason ? `: ${row.reason}` : ""),
        { details: { state: row?.state, reason: row?.reason } },
      );
    }
    await sleep(PAUSE_MS, undefined, { signal });
  }
}
