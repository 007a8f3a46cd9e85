import type { SimIssue, SimProject, SimStatus, SimUser } from "./model.js";
import { renderIssue, renderUser } from "./render.js";

export interface MoveOptions {
  /** The status to land in, by id, when the current one is not in the target's workflow. */
  status?: string;
  /** Who moved it (a person; defaults to the first non-closeloop user). */
  by?: SimUser;
  /** Origin for the webhook's `self` links. */
  base?: string;
}

export interface ChangelogItem {
  field: string;
  fieldtype: "jira";
  fieldId?: string;
  from: string | null;
  fromString: string | null;
  to: string | null;
  toString: string | null;
}

/**
 * The target status of a move. Jira's move keeps a status the new workflow also has and asks for
 * one when it does not; the sandbox answers with `wanted`, else the first status of the same
 * category, else the workflow's initial status.
 */
function landingStatus(
  from: SimStatus | undefined,
  target: SimProject,
  wanted: string | undefined,
): SimStatus {
  const statuses = target.workflow.statuses;
  const initial = statuses.find((s) => s.id === target.workflow.initial)!;
  if (from === undefined) return initial;
  return (
    statuses.find((s) => s.id === from.id) ??
    statuses.find((s) => s.id === wanted) ??
    statuses.find((s) => s.category === from.category) ??
    initial
  );
}

const item = (
  field: string,
  from: [string | null, string | null],
  to: [string | null, string | null],
): ChangelogItem => ({
  field,
  fieldtype: "jira",
  ...(field === "project" || field === "status" ? { fieldId: field } : {}),
  from: from[0],
  fromString: from[1],
  to: to[0],
  toString: to[1],
});

/**
 * Moves an issue to another project: a new key, the same id (BR-16), and the target workflow's
 * status and transitions from now on. Returns the `jira:issue_updated` delivery Jira sends, with
 * the changelog items `project`, `Workflow` and `status` where they changed, and `Key`
 * (reference/jira.md §2.8; sample `webhook_issue_moved_minimal_sentry_stub.json`).
 */
export function applyMove(
  issue: SimIssue,
  source: SimProject,
  target: SimProject,
  newKey: string,
  now: number,
  options: MoveOptions & { by: SimUser; base: string },
): Record<string, unknown> {
  const fromStatus = source.workflow.statuses.find(
    (s) => s.id === issue.statusId,
  );
  const toStatus = landingStatus(fromStatus, target, options.status);
  const oldKey = issue.key;

  const items: ChangelogItem[] = [
    item("project", [source.id, source.name], [target.id, target.name]),
  ];
  if (source.workflow.name !== target.workflow.name) {
    items.push(
      item(
        "Workflow",
        [null, source.workflow.name],
        [null, target.workflow.name],
      ),
    );
  }
  if (fromStatus?.id !== toStatus.id) {
    items.push(
      item(
        "status",
        [fromStatus?.id ?? null, fromStatus?.name ?? null],
        [toStatus.id, toStatus.name],
      ),
    );
  }
  items.push(item("Key", [null, oldKey], [null, newKey]));

  issue.key = newKey;
  issue.projectKey = target.key;
  issue.statusId = toStatus.id;
  if (toStatus.category !== "done") issue.resolution = null;
  issue.updated = now;

  return {
    timestamp: now,
    webhookEvent: "jira:issue_updated",
    issue_event_type_name: "issue_moved",
    user: renderUser(options.base, options.by),
    issue: renderIssue(options.base, "2", target, issue, null),
    changelog: { id: String(now), items },
  };
}
