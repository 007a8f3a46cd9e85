import { LEAKED_VALUE_LINE, type Plan } from "../domain/plan.js";

/**
 * The idempotency marker written on every ticket, `finding-<FP>` as the cases name it: stable for
 * a finding and cycle, so a lookup before each create finds a ticket an earlier, interrupted
 * attempt already opened (BR-09, BR-22).
 */
export function correlationIdFor(fingerprint: string, cycle: number): string {
  const base = `finding-${fingerprint.slice(0, 32)}`;
  return cycle === 1 ? base : `${base}-c${cycle}`;
}

/** The plan as a change manager reads it, ending with the plan hash the approval is bound to. */
export function defaultPlanText(plan: Plan): string {
  const at =
    plan.targetEndpoint === undefined ? "" : ` at ${plan.targetEndpoint}`;
  const lines = [
    `Target: ${plan.targetId} (${plan.targetKind})${at}, principal ${plan.principal}`,
    "",
    ...plan.actions.flatMap((a) => [
      `${a.id}. ${a.summary}${a.optional ? " (optional)" : ""}`,
      `   impact: ${a.impact}`,
      `   verified by: ${a.verification}`,
      ...(a.usesLeakedSecret === true ? [`   ${LEAKED_VALUE_LINE}`] : []),
      `   undo: ${a.undo ?? "cannot be undone"}`,
    ]),
    "",
    `Plan hash: ${plan.hash}`,
  ];
  return lines.join("\n");
}
