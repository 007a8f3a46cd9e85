import { CloseloopError, isCloseloopError } from "../../domain/errors.js";
import { buildEvidence, evidenceFileName } from "../../evidence/document.js";
import type { AttachmentRef, TicketRef } from "../../itsm/types.js";
import type { EvidenceRecord, FindingRecord } from "../../store/types.js";
import type { ActionResult, ProbeResult } from "../../targets/types.js";
import { ticketKey } from "../context.js";
import type { StepContext, StepOutcome } from "../context.js";
import { approvalSource } from "./approval-step.js";
import { checkTicketsAlive } from "./lost.js";

const ATTACHMENT_RECHECK_MS = 5_000;

async function evidenceOf(
  ctx: StepContext,
  record: FindingRecord,
  refs: TicketRef[],
): Promise<EvidenceRecord> {
  const { store } = ctx.deps;
  const { plan, identity, approval } = record;
  if (plan === null || identity === null || approval === null) {
    throw new CloseloopError(
      "EVIDENCE_INCOMPLETE",
      "plan, identity or approval missing",
    );
  }
  const intents = await store.listIntents(record.fingerprint, record.cycle);
  const outputs = (kind: string) =>
    intents
      .filter((i) => i.kind === kind && i.status === "done")
      .map((i) => i.output ?? {});
  const source = await approvalSource(ctx, record);
  const primary = refs[0] ?? source;
  const input = {
    finding: record.finding,
    cycle: record.cycle,
    identity,
    plan,
    approval,
    approvalTicket: source,
    tickets: refs,
    regressionOf: record.regressionOf,
    actions: outputs("action") as unknown as ActionResult[],
    probes: outputs("probe") as unknown as ProbeResult[],
    createdAt: ctx.now(),
  };
  // Built once per cycle and stored before any upload, so every retry attaches the same bytes.
  return store.appendEvidence(
    record.fingerprint,
    record.cycle,
    (prev) => ({
      fileName: evidenceFileName(primary.key, record.fingerprint),
      ...buildEvidence(input, prev, ctx.deps.evidence),
    }),
    ctx.now(),
  );
}

const matches = (a: AttachmentRef, doc: EvidenceRecord): boolean =>
  a.sha256 === doc.sha256 && a.sizeBytes === doc.bytes.length;

/** The attachment a journaled upload answered with; null for an entry without one. */
function attachedRef(output: Record<string, unknown>): AttachmentRef | null {
  const { id, fileName, sizeBytes, sha256, ready } = output;
  if (typeof id !== "string" || id === "") return null;
  return {
    id,
    fileName: typeof fileName === "string" ? fileName : "",
    sizeBytes: typeof sizeBytes === "number" ? sizeBytes : -1,
    sha256: typeof sha256 === "string" ? sha256 : "",
    ready: ready === true,
  };
}

/** Attaches the document unless an earlier, interrupted upload already put it there. */
async function attachOnce(
  ctx: StepContext,
  record: FindingRecord,
  ref: TicketRef,
  doc: EvidenceRecord,
): Promise<AttachmentRef | null> {
  const key = `evidence.attach:${record.fingerprint}:${record.cycle}:${ref.instance}`;
  const output = await ctx.once(
    record,
    key,
    "evidence.attach",
    async (begun) => {
      const itsm = ctx.itsm(ref.instance);
      if (begun.attempts > 1) {
        const present = (await itsm.listAttachments(ref)).find((a) =>
          matches(a, doc),
        );
        if (present !== undefined) return { ...present };
      }
      const attached = await itsm.attach(ref, {
        fileName: evidenceFileName(ref.key, record.fingerprint),
        contentType: "application/json",
        bytes: doc.bytes,
      });
      return { ...attached };
    },
  );
  return attachedRef(output);
}

/**
 * The evidence as the ticket holds it now: the uploaded attachment read back by its id (one call),
 * or, for a journal entry that names none, the first matching one of the ticket's list.
 */
async function readEvidence(
  ctx: StepContext,
  ref: TicketRef,
  attached: AttachmentRef | null,
  doc: EvidenceRecord,
): Promise<AttachmentRef | null> {
  const itsm = ctx.itsm(ref.instance);
  if (attached !== null) return itsm.readBack(ref, attached);
  const listed = await itsm.listAttachments(ref);
  return listed.find((a) => matches(a, doc)) ?? null;
}

const blockedKey = (record: FindingRecord, ref: TicketRef): string =>
  `ticket.close-blocked:${record.fingerprint}:${record.cycle}:${ref.instance}`;

function remediatedOpen(output: Record<string, unknown> | null): string {
  const available = output?.["available"];
  const names = Array.isArray(available) ? available.map(String) : [];
  const hops = typeof output?.["hops"] === "number" ? output["hops"] : 0;
  return (
    "remediated, ticket open: NO_CLOSE_TRANSITION; available transitions: " +
    (names.length === 0 ? "none" : names.join(", ")) +
    (hops > 0 ? `; stopped after ${hops} hop(s), the configured maximum` : "")
  );
}

/**
 * Waits on a ticket whose workflow offered no way to done (BR-18): verified, evidence attached,
 * the note already on the ticket. It is closed once a person has moved it to done; until then
 * nothing is posted again.
 */
async function closeBlocked(
  ctx: StepContext,
  record: FindingRecord,
  ref: TicketRef,
): Promise<StepOutcome | null> {
  const blocked = await ctx.deps.store.getIntent(blockedKey(record, ref));
  if (blocked === null) return null;
  const status = await ctx.itsm(ref.instance).readStatus(ref);
  if (status.lifecycle !== "open") return null;
  return {
    kind: "wait",
    dueAt: null,
    reason: remediatedOpen(blocked.output),
  };
}

/** A close the workflow cannot make is not retried: the finding stops with the reason. */
async function parkIfNoClose(
  ctx: StepContext,
  record: FindingRecord,
  ref: TicketRef,
  close: () => Promise<unknown>,
): Promise<StepOutcome | null> {
  try {
    await close();
    return null;
  } catch (error) {
    if (!isCloseloopError(error) || error.code !== "NO_CLOSE_TRANSITION")
      throw error;
    const facts = {
      available: error.details["available"] ?? [],
      hops: error.details["hops"] ?? 0,
    };
    await ctx.once(
      record,
      blockedKey(record, ref),
      "ticket.close-blocked",
      () => Promise.resolve(facts),
    );
    const reason = remediatedOpen(facts);
    ctx.deps.logger.warn("ticket.close_blocked", {
      findingId: record.fingerprint,
      ticket: ref.key,
      code: error.code,
      ...facts,
      reason,
    });
    return { kind: "wait", dueAt: null, reason };
  }
}

/**
 * evidence → closed. Closure contract 1: every ticket of the finding gets the document, and each
 * is closed only after it is read back from the ticket, ready, with the same SHA-256 and size.
 */
export async function closeStep(
  ctx: StepContext,
  record: FindingRecord,
): Promise<StepOutcome> {
  const closeKey = (instance: string) =>
    `ticket.close:${record.fingerprint}:${record.cycle}:${instance}`;
  // A ticket closeloop began to close (then crashed) reads closed: that is not a lost ticket.
  const lost = await checkTicketsAlive(
    ctx,
    record,
    async (instance) =>
      (await ctx.deps.store.getIntent(closeKey(instance))) !== null,
  );
  if (lost !== null) return lost;

  const refs = await ctx.openRefs(record);
  const doc = await evidenceOf(ctx, record, refs);
  const attached = new Map<string, AttachmentRef | null>();
  for (const ref of refs)
    attached.set(ref.instance, await attachOnce(ctx, record, ref, doc));

  for (const ref of refs) {
    const present = await readEvidence(
      ctx,
      ref,
      attached.get(ref.instance) ?? null,
      doc,
    );
    if (present !== null && !present.ready) {
      return {
        kind: "wait",
        dueAt: ctx.later(ATTACHMENT_RECHECK_MS),
        reason: "evidence pending",
      };
    }
    if (present === null || !matches(present, doc)) {
      // Journaled as attached but not there (or not these bytes): upload again on the next look.
      const key = `evidence.attach:${record.fingerprint}:${record.cycle}:${ref.instance}`;
      await ctx.deps.store.completeIntent(
        key,
        "failed",
        { missing: true },
        ctx.now(),
      );
      return {
        kind: "wait",
        dueAt: ctx.later(ATTACHMENT_RECHECK_MS),
        reason: "evidence not found on the ticket",
      };
    }
  }

  for (const ref of refs)
    ctx.emit("evidence.attached", record, { sha256: doc.sha256 }, ref);

  for (const t of await ctx.tickets(record)) {
    const ref = t.ref;
    if (ref === null || t.lifecycle !== "open") continue;
    const parked = await closeBlocked(ctx, record, ref);
    if (parked !== null) return parked;
    const closing = () =>
      ctx.once(record, closeKey(ref.instance), "ticket.close", async () => {
        const seen = ctx.freshStatuses.get(ticketKey(ref))?.rawState;
        await ctx.itsm(ref.instance).close(ref, {
          ...(seen === undefined ? {} : { ticketState: seen }),
          successful: true,
          // The close notes are the "evidence attached" note: one call fewer per ticket.
          notes:
            `closeloop: verified revoked. Evidence ${doc.fileName} attached and read back, ` +
            `sha256 ${doc.sha256}.\n\n${doc.summary}`,
        });
        return {};
      });
    const blocked = await parkIfNoClose(ctx, record, ref, closing);
    if (blocked !== null) return blocked;
    await ctx.deps.store.saveTicket({
      ...t,
      lifecycle: "closed",
      updatedAt: ctx.now(),
    });
  }
  await ctx.deps.store.shredSecret(record.fingerprint);
  const moved = await ctx.move(record, "closed", { lastStep: "ticket.closed" });
  for (const ref of refs)
    ctx.emit("ticket.closed", moved.record, { sha256: doc.sha256 }, ref);
  return moved;
}
