import type { Identity, Unresolved } from "../../domain/identity.js";
import type { TicketDraft, TicketRef } from "../../itsm/types.js";
import type { FindingRecord, TicketRecord } from "../../store/types.js";
import { correlationIdFor } from "../correlation.js";
import type { StepContext, StepOutcome } from "../context.js";
import type { EngineRoute } from "../types.js";
import { LOOKUP_RETRY_MS, openTicket, withJiraProject } from "./ticket-step.js";

/** The marker of a cycle's manual-remediation ticket: never the same as a change's. */
export function manualCorrelationIdFor(
  fingerprint: string,
  cycle: number,
): string {
  return `${correlationIdFor(fingerprint, cycle)}-manual`;
}

/**
 * A finding that resolved to no target: to `manual`, with one manual-remediation ticket recorded
 * per routed ITSM before any call, where `routing.unresolved` sends it; else `unresolved`.
 */
export async function toUnresolved(
  ctx: StepContext,
  record: FindingRecord,
  unresolved: Unresolved,
): Promise<StepOutcome> {
  const { reason } = unresolved;
  const route = manualRoute(ctx, record, unresolved);
  if (route === null) {
    const moved = await ctx.move(record, "unresolved", {
      reason,
      lastStep: "identity.unresolved",
    });
    ctx.emit("identity.unresolved", moved.record, { reason });
    return moved;
  }

  const now = ctx.now();
  const existing = new Set((await ctx.tickets(record)).map((t) => t.instance));
  for (const instance of route.itsm) {
    if (existing.has(instance)) continue;
    await ctx.deps.store.saveTicket({
      fingerprint: record.fingerprint,
      cycle: record.cycle,
      instance,
      itsm: ctx.itsm(instance).kind,
      correlationId: manualCorrelationIdFor(record.fingerprint, record.cycle),
      approvalSource: false,
      ref: null,
      lifecycle: "pending",
      createdAt: now,
      updatedAt: now,
    });
  }
  const moved = await ctx.move(record, "manual", {
    reason,
    identity: null,
    plan: null,
    lastStep: "manual.intent",
    dueAt: now,
  });
  ctx.emit("identity.unresolved", moved.record, {
    reason,
    manual: route.itsm,
  });
  return moved;
}

/**
 * `manual`: picked up again once the finding resolves; else its manual tickets are opened (once
 * each, like every ticket) and watched until a person closes them.
 */
export async function manualStep(
  ctx: StepContext,
  record: FindingRecord,
): Promise<StepOutcome> {
  const resolved = resolveAgain(ctx, record);
  if (resolved.ok) return resume(ctx, record, resolved.identity);
  const { unresolved } = resolved;
  const tickets = await ctx.tickets(record);
  if (tickets.length === 0) return toUnresolved(ctx, record, unresolved);

  let opened = false;
  for (const ticket of tickets) {
    if (ticket.ref !== null) continue;
    const ref = await openTicket(ctx, record, ticket, () =>
      manualDraft(ctx, record, ticket, unresolved),
    );
    if (ref === "wait") {
      return {
        kind: "wait",
        dueAt: ctx.later(LOOKUP_RETRY_MS),
        reason: unresolved.reason,
      };
    }
    await ctx.deps.store.saveTicket({
      ...ticket,
      ref,
      lifecycle: "open",
      updatedAt: ctx.now(),
    });
    ctx.emit(
      "manual.requested",
      record,
      { correlationId: ticket.correlationId, reason: unresolved.reason },
      ref,
    );
    opened = true;
  }
  if (opened) return { kind: "wait", dueAt: null, reason: unresolved.reason };
  return watch(ctx, record, tickets, unresolved.reason);
}

/** `manual_closed`: nothing left to watch; a finding that now resolves is planned after all. */
export async function manualClosedStep(
  ctx: StepContext,
  record: FindingRecord,
): Promise<StepOutcome> {
  const resolved = resolveAgain(ctx, record);
  if (resolved.ok) return resume(ctx, record, resolved.identity);
  return { kind: "wait", dueAt: null };
}

type Again =
  { ok: true; identity: Identity } | { ok: false; unresolved: Unresolved };

/** The resolution as the configuration says now; only a target with an adapter counts. */
function resolveAgain(ctx: StepContext, record: FindingRecord): Again {
  const resolution = ctx.deps.resolve(record.finding);
  if (!resolution.ok) return resolution;
  const { identity } = resolution;
  if (ctx.target(identity.targetId) !== undefined) return resolution;
  const reason = `no target adapter is configured for ${identity.targetId}`;
  const unresolved: Unresolved =
    identity.owner === undefined
      ? { reason }
      : { reason, owner: identity.owner };
  return { ok: false, unresolved };
}

/**
 * The finding now resolves: a note on each open manual ticket, then a new cycle that plans the
 * change, its `regressionOf` (and so its evidence) pointing at the manual tickets.
 */
async function resume(
  ctx: StepContext,
  record: FindingRecord,
  identity: Identity,
): Promise<StepOutcome> {
  const manual = (await ctx.tickets(record)).flatMap((t) =>
    t.ref === null ? [] : [t.ref.key],
  );
  await ctx.note(
    record,
    "manual-resumed",
    `closeloop now ties this finding to target ${identity.targetId} ` +
      `(principal ${identity.principal}) and plans its revocation as a change of its own, ` +
      "linked to this ticket. Nothing was done on this ticket's behalf.",
  );
  const moved = await ctx.deps.store.newCycle(
    record.fingerprint,
    record.state,
    "new",
    ctx.now(),
  );
  ctx.emit("manual.resumed", moved, {
    targetId: identity.targetId,
    manualTickets: manual,
  });
  return { kind: "moved", record: moved };
}

/** Reads each open manual ticket; when a person has closed them all, `manual_closed`. */
async function watch(
  ctx: StepContext,
  record: FindingRecord,
  tickets: TicketRecord[],
  reason: string,
): Promise<StepOutcome> {
  let open = 0;
  const closed: { ref: TicketRef; how: string }[] = [];
  for (const t of tickets) {
    if (t.ref === null) continue;
    if (t.lifecycle !== "open") {
      closed.push({ ref: t.ref, how: "closed" });
      continue;
    }
    const status = await ctx.itsm(t.instance).readStatus(t.ref);
    // The id is the identity; the key can change when a Jira issue moves (BR-16).
    const ref = { ...t.ref, key: status.key };
    if (status.lifecycle === "open") {
      open += 1;
      if (ref.key !== t.ref.key) {
        await ctx.deps.store.saveTicket({ ...t, ref, updatedAt: ctx.now() });
      }
      continue;
    }
    await ctx.deps.store.saveTicket({
      ...t,
      ref,
      lifecycle: "closed",
      updatedAt: ctx.now(),
    });
    closed.push({ ref, how: status.lifecycle });
  }
  if (open > 0 || closed.length === 0) {
    return { kind: "wait", dueAt: null, reason };
  }

  const which = closed.map((c) => `${c.ref.key} was ${c.how}`).join(", ");
  const why =
    `manual ticket ${which} by a person: closeloop did nothing and holds no proof ` +
    `the credential is gone (unresolved: ${reason})`;
  const moved = await ctx.move(record, "manual_closed", {
    reason: why,
    lastStep: "manual.closed",
  });
  const first = closed[0]?.ref;
  ctx.emit("manual.closed", moved.record, { reason: why }, first);
  return moved;
}

function manualRoute(
  ctx: StepContext,
  record: FindingRecord,
  unresolved: Unresolved,
): EngineRoute | null {
  const route = ctx.deps.routeUnresolved?.(record.finding, unresolved) ?? null;
  return route === null || route.itsm.length === 0 ? null : route;
}

function manualDraft(
  ctx: StepContext,
  record: FindingRecord,
  ticket: TicketRecord,
  unresolved: Unresolved,
): TicketDraft {
  const rendered = ctx.deps.renderer.renderManual(ticket.itsm, {
    finding: record.finding,
    reason: unresolved.reason,
    correlationId: ticket.correlationId,
    owner: unresolved.owner ?? null,
  });
  return {
    findingFingerprint: record.fingerprint,
    correlationId: ticket.correlationId,
    fields: withJiraProject(
      ticket.itsm,
      rendered,
      manualRoute(ctx, record, unresolved)?.jiraProject,
    ),
    plan: null,
    planText: "",
  };
}
