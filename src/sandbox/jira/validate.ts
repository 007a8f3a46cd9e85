import { adfProblem } from "./adf-schema.js";
import { isRecord } from "./route.js";

export const NOT_ADF =
  "Operation value must be an Atlassian Document (see the Atlassian Document Format)";
export const NOT_STRING = "Operation value must be a string";
export const SUMMARY_TOO_LONG = "Summary can't exceed 255 characters.";
export const TEXT_TOO_LONG =
  "The entered text is too long. It exceeded the maximum number of characters of 32,767.";

/** A document ADF's schema accepts: known nodes and marks, in the places they may go. */
export function isAdfDoc(value: unknown): boolean {
  return adfProblem(value) === null;
}

export function textLength(value: unknown): number {
  if (typeof value === "string") return value.length;
  if (!isRecord(value)) return 0;
  const own = typeof value.text === "string" ? value.text.length : 0;
  const children = Array.isArray(value.content) ? value.content : [];
  return children.reduce((sum: number, child) => sum + textLength(child), own);
}

/** Checks a rich-text value for the API version: ADF on v3, a wiki string on v2. */
export function richTextError(version: string, value: unknown): string | null {
  if (version === "3" && !isAdfDoc(value)) return NOT_ADF;
  if (version === "2" && typeof value !== "string") return NOT_STRING;
  if (textLength(value) > 32_767) return TEXT_TOO_LONG;
  return null;
}

/** Field errors for a create request, keyed by field as Jira reports them. */
export function createFieldErrors(
  version: string,
  fields: Record<string, unknown>,
): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!isRecord(fields.project))
    errors.project = "Specify a valid project ID or key";
  if (!isRecord(fields.issuetype)) errors.issuetype = "Specify an issue type";
  if (typeof fields.summary !== "string" || fields.summary.trim() === "") {
    errors.summary = "You must specify a summary of the issue.";
  } else if (fields.summary.length > 255) {
    errors.summary = SUMMARY_TOO_LONG;
  } else if (/[\r\n]/.test(fields.summary)) {
    errors.summary = "Field 'summary' cannot contain newline characters.";
  }
  if (fields.description !== undefined && fields.description !== null) {
    const problem = richTextError(version, fields.description);
    if (problem !== null) errors.description = problem;
  }
  const labels = fields.labels;
  if (labels !== undefined) {
    const ok =
      Array.isArray(labels) &&
      labels.every((l) => typeof l === "string" && !/\s/.test(l));
    if (!ok) errors.labels = "The label must not contain spaces.";
  }
  if (fields.resolution !== undefined) {
    errors.resolution =
      "Field 'resolution' cannot be set. It is not on the appropriate screen, or unknown.";
  }
  return errors;
}
