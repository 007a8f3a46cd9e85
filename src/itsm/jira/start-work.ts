import type { Logger } from "../../logging/logger.js";
import type { JiraClient } from "./client.js";
import { issueSchema, transitionsSchema } from "./schema.js";
import type { JiraIssue, JiraTransition } from "./schema.js";
import { WITH_TRANSITIONS } from "./snapshots.js";

/** The issue's status and the transitions it offers now, in one GET (`expand=transitions`). */
export async function issueWithTransitions(
  client: JiraClient,
  issueId: string,
): Promise<JiraIssue> {
  return client.json(
    {
      method: "GET",
      path: `issue/${issueId}`,
      params: { fields: "status", expand: WITH_TRANSITIONS },
      idempotent: true,
    },
    issueSchema,
  );
}

/** The transitions the issue offers now (after a hop, when the status has just changed). */
export async function listTransitions(
  client: JiraClient,
  issueId: string,
): Promise<JiraTransition[]> {
  const { transitions } = await client.json(
    {
      method: "GET",
      path: `issue/${issueId}/transitions`,
      params: { expand: "transitions.fields" },
      idempotent: true,
    },
    transitionsSchema,
  );
  return transitions;
}

/**
 * Moves the issue into an in-progress status once work starts, when Jira offers a transition
 * there; an issue already in progress, or a workflow without one, is left as it is. `seen` is the
 * issue with its transitions as read moments ago (the approval read), when there is one.
 */
export async function startIssueWork(
  client: JiraClient,
  issueId: string,
  logger: Logger,
  seen?: JiraIssue,
): Promise<void> {
  const issue = seen ?? (await issueWithTransitions(client, issueId));
  if (issue.fields.status?.statusCategory?.key !== "new") return;

  const transitions =
    issue.transitions ?? (await listTransitions(client, issueId));
  const start = transitions.find(
    (t) =>
      t.to?.statusCategory?.key === "indeterminate" &&
      t.fields?.resolution === undefined,
  );
  if (start === undefined) {
    logger.debug("ticket.no_start_transition", { issueId });
    return;
  }
  await client.send({
    method: "POST",
    path: `issue/${issueId}/transitions`,
    data: { transition: { id: start.id } },
    idempotent: false,
  });
}
