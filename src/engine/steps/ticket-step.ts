import { CloseloopError } from "../../domain/errors.js";
import type { TicketDraft, TicketRef } from "../../itsm/types.js";
import type { FindingRecord, TicketRecord } from "../../store/types.js";
import { correlationIdFor, defaultPlanText } from "../correlation.js";
import type { StepContext, StepOutcome } from "../context.js";
import type { EngineRoute } from "../types.js";

/** How long a lookup may miss a ticket an ambiguous create may have made (search-index lag). */
const LOOKUP_LAG_MS = 60_000;
export const LOOKUP_RETRY_MS = 10_000;

function planOf(record: FindingRecord) {
  if (record.plan === null || record.identity === null) {
    throw new CloseloopError(
      "PLAN_MISSING",
      `finding ${record.fingerprint} has no plan`,
    );
  }
  return { plan: record.plan, identity: record.identity };
}

/** planned → ticketing: the tickets to open are recorded locally before any ITSM call. */
export async function plannedStep(
  ctx: StepContext,
  record: FindingRecord,
): Promise<StepOutcome> {
  const instances = routeOf(ctx, record).itsm;
  if (instances.length === 0) {
    const reason = "no routing rule sends this finding to an ITSM";
    const moved = await ctx.move(record, "unresolved", { reason });
    ctx.emit("identity.unresolved", moved.record, { reason });
    return moved;
  }

  const now = ctx.now();
  const existing = new Set((await ctx.tickets(record)).map((t) => t.instance));
  for (const [index, instance] of instances.entries()) {
    if (existing.has(instance)) continue;
    await ctx.deps.store.saveTicket({
      fingerprint: record.fingerprint,
      cycle: record.cycle,
      instance,
      itsm: ctx.itsm(instance).kind,
      correlationId: correlationIdFor(record.fingerprint, record.cycle),
      approvalSource: index === 0,
      ref: null,
      lifecycle: "pending",
      createdAt: now,
      updatedAt: now,
    });
  }
  return ctx.move(record, "ticketing", {
    lastStep: "ticket.intent",
    dueAt: now,
  });
}

function routeOf(ctx: StepContext, record: FindingRecord): EngineRoute {
  const route = ctx.deps.route(record.finding, record.identity);
  return Array.isArray(route) ? { itsm: route } : route;
}

function draftFor(
  ctx: StepContext,
  record: FindingRecord,
  ticket: TicketRecord,
): TicketDraft {
  const { plan, identity } = planOf(record);
  const planText = (ctx.deps.planText ?? defaultPlanText)(plan);
  const rendered = ctx.deps.renderer.render(ticket.itsm, {
    finding: record.finding,
    identity,
    plan,
    planText,
    correlationId: ticket.correlationId,
    owner: identity.owner ?? null,
  });
  return {
    findingFingerprint: record.fingerprint,
    correlationId: ticket.correlationId,
    fields: withJiraProject(
      ticket.itsm,
      rendered,
      routeOf(ctx, record).jiraProject,
    ),
    plan,
    planText,
  };
}

/** The ref a completed create intent recorded: the answer survives a crash before it was saved. */
function refFromOutput(
  output: Record<string, unknown> | null,
): TicketRef | null {
  if (output === null || typeof output["id"] !== "string") return null;
  return output as unknown as TicketRef;
}

/**
 * Opens one ticket at most once: the lookup by correlation id always comes first, and after an
 * ambiguous create (begun, never answered) a miss is retried for a while before creating (BR-22).
 * `draft` builds what is created (a manual-remediation ticket has its own).
 */
export async function openTicket(
  ctx: StepContext,
  record: FindingRecord,
  ticket: TicketRecord,
  draft: () => TicketDraft = () => draftFor(ctx, record, ticket),
): Promise<TicketRef | "wait"> {
  const itsm = ctx.itsm(ticket.instance);
  const createKey = `ticket.create:${record.fingerprint}:${record.cycle}:${ticket.instance}`;
  const previous = await ctx.deps.store.getIntent(createKey);
  const answered =
    previous?.status === "done" ? refFromOutput(previous.output) : null;
  if (answered !== null) return answered;

  const found = await itsm.findByCorrelation(ticket.correlationId);
  if (found !== null) {
    if (previous !== null) {
      await ctx.deps.store.completeIntent(
        createKey,
        "done",
        { ...found },
        ctx.now(),
      );
    }
    return found;
  }
  if (previous?.status === "pending") {
    const firstAt = previous.input["firstAt"];
    const since = Date.parse(
      typeof firstAt === "string" ? firstAt : previous.startedAt,
    );
    if (ctx.deps.clock().getTime() - since < LOOKUP_LAG_MS) return "wait";
  }

  await ctx.deps.store.beginIntent(
    {
      key: createKey,
      fingerprint: record.fingerprint,
      cycle: record.cycle,
      kind: "ticket.create",
      input: { instance: ticket.instance, firstAt: ctx.now() },
    },
    ctx.now(),
  );
  const ref = await itsm.create(draft());
  await ctx.deps.store.completeIntent(createKey, "done", { ...ref }, ctx.now());
  return ref;
}

/**
 * Every other ticket links to the approval-source ticket where its ITSM has links (a Jira task
 * following a ServiceNow change carries a remote link to it), once per ticket.
 */
async function linkToSource(
  ctx: StepContext,
  record: FindingRecord,
  source: TicketRef,
): Promise<void> {
  if (source.url === undefined) return;
  const target = {
    url: source.url,
    title: `${source.key}: the ${source.itsm} ticket this work is approved in`,
  };
  for (const ref of await ctx.openRefs(record)) {
    const itsm = ctx.itsm(ref.instance);
    if (ref.instance === source.instance || itsm.linkTo === undefined) continue;
    const key = `ticket.link:${record.fingerprint}:${record.cycle}:${ref.instance}`;
    await ctx.once(record, key, "ticket.link", async () => {
      await itsm.linkTo?.(ref, target);
      return { url: target.url };
    });
  }
}

/** ticketing → awaiting_approval: every routed ticket open, approval asked on the source. */
export async function ticketingStep(
  ctx: StepContext,
  record: FindingRecord,
): Promise<StepOutcome> {
  const tickets = await ctx.tickets(record);
  for (const ticket of tickets) {
    if (ticket.ref !== null) continue;
    const ref = await openTicket(ctx, record, ticket);
    if (ref === "wait")
      return { kind: "wait", dueAt: ctx.later(LOOKUP_RETRY_MS) };
    await ctx.deps.store.saveTicket({
      ...ticket,
      ref,
      lifecycle: "open",
      updatedAt: ctx.now(),
    });
    ctx.emit(
      "ticket.created",
      record,
      { correlationId: ticket.correlationId },
      ref,
    );
  }

  const source = (await ctx.tickets(record)).find((t) => t.approvalSource);
  if (source?.ref == null) {
    throw new CloseloopError(
      "TICKET_MISSING",
      "the approval-source ticket is not open",
    );
  }
  const ref = source.ref;
  await linkToSource(ctx, record, ref);
  await ctx.once(
    record,
    `approval.request:${record.fingerprint}:${record.cycle}`,
    "approval.request",
    async () => {
      await ctx.itsm(ref.instance).requestApproval(ref);
      return {};
    },
  );
  const moved = await ctx.move(record, "awaiting_approval", {
    lastStep: "approval.requested",
    dueAt: null,
  });
  ctx.emit("approval.requested", moved.record, {}, ref);
  return moved;
}

/** A routing rule's Jira project is chosen per owner: it wins over the mapping's project. */
export function withJiraProject<T extends object>(
  itsm: string,
  rendered: T,
  project: string | undefined,
): T | (T & { project: string }) {
  return itsm === "jira" && project !== undefined
    ? { ...rendered, project }
    : rendered;
}
