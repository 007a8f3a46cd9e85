import type { SimIssue } from "./model.js";

/**
 * The small JQL subset closeloop sends: clauses joined by AND over labels, project, id and
 * updated, then an optional ORDER BY. Anything else is a 400, as an unsupported query is on Jira.
 */
export type JqlPredicate = (issue: SimIssue) => boolean;

const CLAUSE =
  /^(labels|project|id|issue|updated)\s*(=|>=|in)\s*(\([^)]*\)|"[^"]*"|'[^']*'|[^\s()]+)$/i;

function unquote(value: string): string {
  const trimmed = value.trim();
  if (/^(".*"|'.*')$/.test(trimmed)) return trimmed.slice(1, -1);
  return trimmed;
}

/** `2026-10-21 07:28` or `2026-10-21` in UTC: the sandbox runs its user profile in UTC. */
function parseJqlTime(value: string): number {
  const normalised = value.includes(" ")
    ? `${value.replace(" ", "T")}:00Z`
    : `${value}T00:00:00Z`;
  return Date.parse(normalised);
}

function clause(text: string): JqlPredicate | string {
  const match = CLAUSE.exec(text.trim());
  if (match === null)
    return `Error in the JQL Query: unsupported clause '${text.trim()}'.`;
  const [, rawField, operator, rawValue] = match;
  const field = (rawField ?? "").toLowerCase();
  const values =
    operator?.toLowerCase() === "in"
      ? (rawValue ?? "").slice(1, -1).split(",").map(unquote)
      : [unquote(rawValue ?? "")];

  switch (field) {
    case "labels":
      return (issue) => {
        const labels = Array.isArray(issue.fields.labels)
          ? issue.fields.labels
          : [];
        return values.some((v) => labels.includes(v));
      };
    case "project":
      return (issue) => values.includes(issue.projectKey);
    case "id":
    case "issue":
      return (issue) => values.includes(issue.id) || values.includes(issue.key);
    case "updated": {
      const since = parseJqlTime(values[0] ?? "");
      if (Number.isNaN(since))
        return `Date value '${values[0]}' for field 'updated' is invalid.`;
      return (issue) => issue.updated >= since;
    }
    default:
      return `Field '${field}' does not exist or you do not have permission to view it.`;
  }
}

/** A predicate for a bounded query, or the error message Jira would give. */
export function parseJql(jql: string): JqlPredicate | string {
  const [where = ""] = jql.split(/\border\s+by\b/i);
  if (where.trim() === "") {
    return (
      "Unbounded JQL queries are not allowed here. " +
      "Please add a search restriction to your query."
    );
  }
  const predicates: JqlPredicate[] = [];
  for (const part of where.split(/\s+and\s+/i)) {
    const predicate = clause(part);
    if (typeof predicate === "string") return predicate;
    predicates.push(predicate);
  }
  return (issue) => predicates.every((p) => p(issue));
}
