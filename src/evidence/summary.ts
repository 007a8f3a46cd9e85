import type { EvidenceInput } from "./document.js";

/** The few lines a change manager or auditor reads first; the JSON document holds the rest. */
export function renderSummary(input: EvidenceInput): string {
  const approved = input.approval.approvers.filter(
    (a) => a.state === "approved",
  );
  const who = approved
    .map((a) => `${a.userName ?? a.userId}${a.group ? ` (${a.group})` : ""}`)
    .join(", ");
  const lastProbe = input.probes.at(-1);
  // A role that could not be dropped (2BP01) is still revoked: its login is off (BR-28).
  const loginOnly = input.actions.some(
    (a) => a.resultCode === "ROLE_DISABLED_NOT_DROPPED",
  );
  const lines = [
    `# closeloop evidence: ${input.finding.title}`,
    "",
    `- Finding: ${input.finding.fingerprint.slice(0, 12)} (${input.finding.detector}), ` +
      `preview ${input.finding.preview}`,
    `- Identity: ${input.identity.principal} on ${input.identity.targetId} ` +
      `(${input.identity.targetKind})`,
    `- Target: ${input.plan.targetEndpoint ?? "not recorded"}`,
    `- Plan hash: ${input.plan.hash}`,
    `- Approved by: ${who || "nobody"} on ${input.approvalTicket.key}, ` +
      `read at ${input.approval.readAt}`,
    ...input.actions.map(
      (a) =>
        `- Action ${a.actionId}: ${a.outcome} (${a.resultCode}) ${a.requestSummary}`,
    ),
    `- Verification: ${lastProbe?.answer ?? "none"}` +
      (lastProbe?.note ? ` (${lastProbe.note})` : ""),
    ...(loginOnly && lastProbe?.answer === "invalid"
      ? ["- Outcome: revoked (login disabled); the role was not dropped"]
      : []),
  ];
  return `${lines.join("\n")}\n`;
}
