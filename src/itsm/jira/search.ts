import type { TicketChange } from "../types.js";
import type { JiraClient } from "./client.js";
import { lastUpdate } from "./last-update.js";
import { CLOSELOOP_LABEL, LINK_PROPERTY } from "./fields.js";
import { searchSchema } from "./schema.js";
import type { JiraIssue } from "./schema.js";

/** JQL string literal: quotes and backslashes escaped. */
export function jqlString(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** `yyyy-MM-dd HH:mm`, the form JQL compares `updated` with (in the account's time zone: UTC). */
export function jqlTime(date: Date): string {
  return date.toISOString().slice(0, 16).replace("T", " ");
}

/**
 * Every issue a bounded JQL query matches, following `nextPageToken` on Cloud (`/search/jql`;
 * the old `/search` answers 410 there) and `startAt` on Data Center.
 */
export async function searchAll(
  client: JiraClient,
  jql: string,
  fields: string[],
  expand?: string,
): Promise<JiraIssue[]> {
  const found: JiraIssue[] = [];
  let token: string | undefined;
  let startAt = 0;

  for (let page = 0; page < 1000; page += 1) {
    const params: Record<string, string | number> = {
      jql,
      fields: fields.join(","),
      properties: LINK_PROPERTY,
      maxResults: 100,
    };
    if (expand !== undefined) params.expand = expand;
    if (client.version === "3" && token !== undefined)
      params.nextPageToken = token;
    if (client.version === "2") params.startAt = startAt;
    const path = client.version === "3" ? "search/jql" : "search";
    const result = await client.json(
      { method: "GET", path, params, idempotent: true },
      searchSchema,
    );

    found.push(...result.issues);
    startAt += result.issues.length;
    token = result.nextPageToken;
    const more =
      client.version === "3"
        ? result.isLast !== true && token !== undefined
        : result.issues.length > 0 && startAt < (result.total ?? 0);
    if (!more) break;
  }
  return found;
}

/** Fields from which the latest update's author is worked out (`lastUpdate`). */
const UPDATE_FIELDS = [
  "updated",
  "created",
  "creator",
  "comment",
  "attachment",
];

/**
 * closeloop's issues updated since the cursor, less the overlap, de-duplicated, each with its
 * latest updater where Jira shows it.
 */
export async function changedSince(
  client: JiraClient,
  cursor: string | null,
  overlapSeconds: number,
  now: Date,
  ownUserId: () => Promise<string>,
): Promise<{ ids: string[]; changes: TicketChange[]; cursor: string }> {
  const clauses = [`labels = ${CLOSELOOP_LABEL}`];
  if (cursor !== null) {
    const since = new Date(Date.parse(cursor) - overlapSeconds * 1000);
    clauses.push(`updated >= ${jqlString(jqlTime(since))}`);
  }
  const issues = await searchAll(
    client,
    `${clauses.join(" AND ")} ORDER BY updated ASC`,
    UPDATE_FIELDS,
    "changelog",
  );
  const own = issues.length === 0 ? "" : await ownUserId();
  const changes = new Map<string, TicketChange>();
  for (const issue of issues) changes.set(issue.id, lastUpdate(issue, own));
  return {
    ids: [...changes.keys()],
    changes: [...changes.values()],
    cursor: now.toISOString(),
  };
}
