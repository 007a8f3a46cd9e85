import type { TicketChange } from "../types.js";
import type { JiraIssue } from "./schema.js";

interface Trace {
  by: string;
  at: number;
}

type User = {
  accountId?: string | undefined;
  key?: string | undefined;
  name?: string | undefined;
} | null;

function userId(user: User | undefined): string | undefined {
  return user?.accountId ?? user?.key ?? user?.name ?? undefined;
}

function trace(user: User | undefined, at: string | undefined): Trace[] {
  const by = userId(user);
  const time = at === undefined ? Number.NaN : Date.parse(at);
  return by === undefined || Number.isNaN(time) ? [] : [{ by, at: time }];
}

/** Writes that leave an author and a time: creation, comments, uploads, changelog history. */
function traces(issue: JiraIssue): Trace[] {
  const f = issue.fields;
  return [
    ...trace(f.creator, f.created),
    ...(f.comment?.comments ?? []).flatMap((c) =>
      trace(c.updateAuthor ?? c.author, c.updated ?? c.created),
    ),
    ...(f.attachment ?? []).flatMap((a) => trace(a.author, a.created)),
    ...(issue.changelog?.histories ?? []).flatMap((h) =>
      trace(h.author, h.created),
    ),
  ];
}

/**
 * Who made the issue's latest update. Jira has no "updated by" field: the newest authored write
 * (creation, comment, upload, changelog history) counts only when it is as new as `updated`.
 * Anything else, such as a JSM approval decision, leaves the updater unknown, so the engine treats
 * it as a person's change and reads the ticket.
 */
export function lastUpdate(issue: JiraIssue, ownUserId: string): TicketChange {
  const change: TicketChange = { id: issue.id };
  const updated = issue.fields.updated;
  if (updated === undefined) return change;
  const updatedAt = Date.parse(updated);
  if (Number.isNaN(updatedAt)) return change;
  change.updatedAt = new Date(updatedAt).toISOString();
  change.version = updated;

  const newest = traces(issue).reduce<Trace | null>(
    (best, t) => (best === null || t.at >= best.at ? t : best),
    null,
  );
  if (newest === null || newest.at < updatedAt) return change;
  change.updatedBy = newest.by;
  change.byOwnUser = newest.by === ownUserId;
  return change;
}
