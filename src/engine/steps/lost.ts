import type { TicketRef } from "../../itsm/types.js";
import type { FindingRecord } from "../../store/types.js";
import { ticketKey } from "../context.js";
import type { StepContext, StepOutcome } from "../context.js";

/**
 * A ticket closed, canceled or deleted by a person before the evidence existed. `flag` stops
 * and says so; `reopen` starts a new cycle, which opens a new ticket and needs a new approval.
 */
export async function ticketLost(
  ctx: StepContext,
  record: FindingRecord,
  ref: TicketRef,
  lifecycle: string,
): Promise<StepOutcome> {
  const now = ctx.now();
  for (const t of await ctx.tickets(record)) {
    if (t.instance !== ref.instance) continue;
    await ctx.deps.store.saveTicket({
      ...t,
      lifecycle: "lost",
      updatedAt: now,
    });
  }
  const reason = `ticket ${ref.key} was ${lifecycle} by a person before the evidence existed`;

  if (ctx.deps.policy.ticketLostPolicy === "reopen") {
    const moved = await ctx.deps.store.newCycle(
      record.fingerprint,
      record.state,
      "planned",
      now,
    );
    ctx.emit("ticket.lost", moved, { reason, policy: "reopen" }, ref);
    return { kind: "moved", record: moved };
  }
  const moved = await ctx.move(record, "ticket_lost", {
    reason,
    lastStep: "ticket.lost",
  });
  ctx.emit("ticket.lost", moved.record, { reason, policy: "flag" }, ref);
  return moved;
}

/**
 * Repoints the stored link when a read shows the ticket under another key: the id is the
 * identity, the key changes when a Jira issue moves to another project (BR-16).
 */
export async function rekey(
  ctx: StepContext,
  record: FindingRecord,
  ref: TicketRef,
  key: string,
): Promise<TicketRef> {
  if (key === ref.key || key === "") return ref;
  const moved = { ...ref, key };
  for (const t of await ctx.tickets(record)) {
    if (t.ref?.instance !== ref.instance || t.ref.id !== ref.id) continue;
    await ctx.deps.store.saveTicket({ ...t, ref: moved, updatedAt: ctx.now() });
  }
  ctx.deps.logger.info("ticket.rekeyed", {
    findingId: record.fingerprint,
    instance: ref.instance,
    ticketId: ref.id,
    from: ref.key,
    to: key,
  });
  return moved;
}

/**
 * Checks every ticket of the cycle is still open; answers with the lost-ticket outcome if not. A
 * status a write of this pass already answered with (`freshStatuses`) is used instead of a read,
 * and each status seen is kept there for the close that follows.
 */
export async function checkTicketsAlive(
  ctx: StepContext,
  record: FindingRecord,
  closingByUs: (instance: string) => Promise<boolean>,
): Promise<StepOutcome | null> {
  for (const t of await ctx.tickets(record)) {
    if (t.ref === null || t.lifecycle !== "open") continue;
    if (await closingByUs(t.instance)) continue;
    const status =
      ctx.freshStatuses.get(ticketKey(t.ref)) ??
      (await ctx.itsm(t.instance).readStatus(t.ref));
    ctx.freshStatuses.set(ticketKey(t.ref), status);
    const ref = await rekey(ctx, record, t.ref, status.key);
    if (status.lifecycle !== "open") {
      return ticketLost(ctx, record, ref, status.lifecycle);
    }
  }
  return null;
}
