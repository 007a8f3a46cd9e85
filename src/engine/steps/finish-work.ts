import type { FindingRecord } from "../../store/types.js";
import { ticketKey } from "../context.js";
import type { StepContext } from "../context.js";

/**
 * The verification's note on every open ticket of the cycle, at most once each, written with the
 * ticket's move out of implementation where the ITSM has such a step (one call, not two). The
 * status a write answered with is kept for this pass's close, which then need not read it again.
 */
export async function finishWork(
  ctx: StepContext,
  record: FindingRecord,
  text: string,
): Promise<void> {
  for (const ref of await ctx.openRefs(record)) {
    const key = `work.finish:${record.fingerprint}:${record.cycle}:${ref.instance}`;
    await ctx.once(record, key, "work.finish", async () => {
      const status = await ctx.itsm(ref.instance).finishWork(ref, text);
      if (status === null) return {};
      ctx.freshStatuses.set(ticketKey(ref), status);
      return { lifecycle: status.lifecycle, rawState: status.rawState };
    });
  }
}
