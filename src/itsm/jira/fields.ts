import { InputError } from "../../domain/errors.js";
import type { TicketDraft } from "../types.js";
import { toAdf, truncateDescription, truncateSummary } from "./adf.js";
import type { JiraInstanceConfig } from "./config.js";
import { wikiDescription } from "./wiki.js";

/** The label every closeloop issue carries: the polling query selects on it. */
export const CLOSELOOP_LABEL = "closeloop";
/** The issue property with closeloop's authoritative link (reference/jira.md §2.2). */
export const LINK_PROPERTY = "closeloop.link";

/** The unique, searchable label of one finding's issue: `finding-<FP>`, no spaces (BR-22). */
export function correlationLabel(correlationId: string): string {
  const safe = correlationId.replace(/[^A-Za-z0-9_.:-]/g, "-");
  return safe.startsWith("finding-") ? safe : `finding-${safe}`;
}

/** The evidence file BR-11's truncation marker points at. */
export function evidenceFileName(draft: TicketDraft): string {
  return `finding-${draft.findingFingerprint}.json`;
}

function text(value: unknown, field: string): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  throw new InputError(
    "MAPPING_FIELD_TYPE",
    `mappings/jira/issue.yaml: field ${field} must render to text`,
    { details: { field } },
  );
}

function named(value: unknown): unknown {
  return typeof value === "string" ? { name: value } : value;
}

/**
 * The create body for one finding: mapped fields normalised to Jira's shapes, the description as
 * ADF on Cloud (never a string there, BR-12) and the link as an issue property.
 */
export function buildCreateBody(
  config: JiraInstanceConfig,
  version: "2" | "3",
  draft: TicketDraft,
): Record<string, unknown> {
  const {
    summary,
    description,
    labels,
    project,
    issuetype,
    priority,
    components,
    ...rest
  } = draft.fields;

  const title =
    text(summary, "summary") ||
    draft.plan?.actions[0]?.summary ||
    "closeloop change";
  const shortTitle = truncateSummary(title);
  // The plan comes first: it is what the approver reads, and the part never cut off.
  const parts = [
    shortTitle === title ? "" : title,
    draft.planText,
    text(description, "description"),
  ].filter((p) => p !== "");
  const joined = parts.join("\n\n");
  // Cloud takes ADF, Data Center a wiki string; each is cut the way Jira counts it (BR-11).
  const descriptionValue =
    version === "3"
      ? toAdf(truncateDescription(joined, evidenceFileName(draft)))
      : wikiDescription(joined, evidenceFileName(draft));

  const mappedLabels = Array.isArray(labels) ? labels.map(String) : [];
  const allLabels = [
    ...new Set([
      ...mappedLabels,
      CLOSELOOP_LABEL,
      correlationLabel(draft.correlationId),
    ]),
  ].map((l) => l.replace(/\s+/g, "-"));

  const fields: Record<string, unknown> = {
    ...rest,
    project:
      typeof project === "string" || project === undefined
        ? { key: project ?? config.project }
        : project,
    issuetype: named(issuetype ?? config.issueType),
    summary: shortTitle,
    description: descriptionValue,
    labels: allLabels,
  };
  if (priority !== undefined) fields.priority = named(priority);
  if (Array.isArray(components)) fields.components = components.map(named);

  return {
    fields,
    properties: [
      {
        key: LINK_PROPERTY,
        value: {
          finding: draft.findingFingerprint,
          planHash: draft.plan?.hash ?? null,
          correlationId: draft.correlationId,
        },
      },
    ],
  };
}
