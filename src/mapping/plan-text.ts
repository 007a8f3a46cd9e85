import { LEAKED_VALUE_LINE, type Plan } from "../domain/plan.js";

const HASH_LABEL = "closeloop plan hash:";

/**
 * The plan as a change manager reads it in the ticket: each action with what it does, what it
 * breaks, how it is proved and how it is undone. The last line binds the approval to the plan:
 * the engine reads the hash back before it executes anything.
 */
export function renderPlanText(plan: Plan): string {
  const lines = [
    `Target: ${plan.targetId} (${plan.targetKind})` +
      (plan.targetEndpoint === undefined ? "" : ` at ${plan.targetEndpoint}`),
    `Principal: ${plan.principal}`,
    `Finding: ${plan.findingFingerprint}`,
    "",
  ];

  plan.actions.forEach((action, index) => {
    const optional = action.optional ? " (optional)" : "";
    lines.push(`${index + 1}. ${action.summary}${optional}`);
    lines.push(`   Impact: ${action.impact}`);
    lines.push(`   Verification: ${action.verification}`);
    if (action.usesLeakedSecret === true) lines.push(`   ${LEAKED_VALUE_LINE}`);
    lines.push(
      `   Undo: ${action.undo ?? "cannot be undone"}`,
      `   Action: ${action.id} ${action.kind}`,
      "",
    );
  });

  if (plan.actions.length === 0) lines.push("No actions.", "");
  lines.push(`${HASH_LABEL} ${plan.hash}`);
  return lines.join("\n");
}

const HASH_PATTERN = /closeloop\s+plan\s+hash:[\s*_`{]*([0-9a-f]{64})\b/gi;

/**
 * The plan hash written in a ticket's text, as read back. Markup an ITSM adds around it (wiki
 * bold, code marks) is tolerated. Two different hashes in one text is ambiguous: null, so the
 * engine never executes on a plan a person may have edited.
 */
export function parsePlanHash(text: string): string | null {
  const found = new Set<string>();
  for (const match of text.matchAll(HASH_PATTERN)) {
    if (match[1] !== undefined) found.add(match[1].toLowerCase());
  }
  if (found.size !== 1) return null;
  return [...found][0] ?? null;
}
