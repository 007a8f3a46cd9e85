import type { EvidenceFile, TicketDraft } from "../types.js";
import { adfTextLength, MAX_RICH_TEXT, toAdf, truncateSummary } from "./adf.js";
import { evidenceFileName } from "./fields.js";
import { toWiki } from "./wiki.js";

const asText = (value: unknown): string =>
  typeof value === "string" ? value : "";

/**
 * The file a cut description's marker points at (BR-11): the title, the plan and the description
 * in full, as JSON. Null when the ticket shows everything, so nothing extra is uploaded.
 */
export function fullTextFile(
  version: "2" | "3",
  draft: TicketDraft,
): EvidenceFile | null {
  const title =
    asText(draft.fields.summary) ||
    draft.plan?.actions[0]?.summary ||
    "closeloop change";
  const description = asText(draft.fields.description);
  const joined = [
    truncateSummary(title) === title ? "" : title,
    draft.planText,
    description,
  ]
    .filter((p) => p !== "")
    .join("\n\n");
  const length =
    version === "3" ? adfTextLength(toAdf(joined)) : toWiki(joined).length;
  if (length <= MAX_RICH_TEXT) return null;

  const full = {
    finding: draft.findingFingerprint,
    title,
    plan: draft.planText,
    description,
  };
  return {
    fileName: evidenceFileName(draft),
    contentType: "application/json",
    bytes: Buffer.from(`${JSON.stringify(full, null, 2)}\n`, "utf8"),
  };
}
