import type { Finding } from "../domain/finding.js";
import type { Identity } from "../domain/identity.js";
import { canonicalJson, type Plan } from "../domain/plan.js";
import { sha256Hex } from "../domain/secret.js";
import type { ApprovalReading, TicketRef } from "../itsm/types.js";
import type { ActionResult, ProbeResult } from "../targets/types.js";
import type { EvidenceSigner } from "./signer.js";
import { renderSummary } from "./summary.js";

export const EVIDENCE_SCHEMA = "closeloop.evidence/v1";

export interface EvidenceInput {
  finding: Finding;
  cycle: number;
  identity: Identity;
  plan: Plan;
  approval: ApprovalReading;
  approvalTicket: TicketRef;
  tickets: TicketRef[];
  regressionOf: TicketRef[];
  actions: ActionResult[];
  probes: ProbeResult[];
  createdAt: string;
}

function ticketView(ref: TicketRef): Record<string, unknown> {
  return { itsm: ref.itsm, instance: ref.instance, id: ref.id, key: ref.key };
}

/** The finding as the evidence shows it: no secret hash, no hints beyond the identity. */
function redactedFinding(finding: Finding): Record<string, unknown> {
  return {
    fingerprint: finding.fingerprint,
    kind: finding.kind,
    detector: finding.detector,
    title: finding.title,
    severity: finding.severity,
    preview: finding.preview,
    source: finding.source,
    sources: finding.sources,
    locations: finding.locations,
    detectedAt: finding.detectedAt,
  };
}

/** The document without its signature: what is signed, and what a verifier rebuilds. */
export function evidenceBody(
  input: EvidenceInput,
  prevSha256: string | null,
): Record<string, unknown> {
  const approvers = input.approval.approvers.map((a) => ({ ...a }));
  return {
    schema: EVIDENCE_SCHEMA,
    createdAt: input.createdAt,
    cycle: input.cycle,
    finding: redactedFinding(input.finding),
    identity: input.identity,
    // What the actions ran against: the gate ran them only while the target still pointed here.
    target: {
      id: input.plan.targetId,
      kind: input.plan.targetKind,
      endpoint: input.plan.targetEndpoint ?? null,
    },
    plan: input.plan,
    approval: {
      ticket: ticketView(input.approvalTicket),
      status: input.approval.status,
      ticketState: input.approval.ticketState,
      approvers,
      requestedBy: input.approval.requestedBy ?? null,
      window: input.approval.window,
      planHash: input.approval.planHash,
      readAt: input.approval.readAt,
    },
    actions: input.actions,
    probes: input.probes,
    tickets: input.tickets.map(ticketView),
    regressionOf: input.regressionOf.map(ticketView),
    chain: { prevSha256 },
  };
}

export interface BuiltEvidence {
  bytes: Buffer;
  sha256: string;
  summary: string;
}

export function buildEvidence(
  input: EvidenceInput,
  prevSha256: string | null,
  signer: EvidenceSigner,
): BuiltEvidence {
  const body = evidenceBody(input, prevSha256);
  const signature = {
    alg: "Ed25519",
    keyId: signer.keyId,
    value: signer.sign(Buffer.from(canonicalJson(body), "utf8")),
  };
  const bytes = Buffer.from(
    `${JSON.stringify({ ...body, signature }, null, 2)}\n`,
    "utf8",
  );
  return { bytes, sha256: sha256Hex(bytes), summary: renderSummary(input) };
}

/** `evidence-<ticketKey>-<fingerprint 12>.json`, with anything outside [A-Za-z0-9._-] replaced. */
export function evidenceFileName(
  ticketKey: string,
  fingerprint: string,
): string {
  const safe = (s: string): string => s.replace(/[^A-Za-z0-9._-]/g, "_");
  return `evidence-${safe(ticketKey)}-${safe(fingerprint.slice(0, 12))}.json`;
}
