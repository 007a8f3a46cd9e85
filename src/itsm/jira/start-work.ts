import type { Logger } from "../../logging/logger.js";
import type { JiraClient } from "./client.js";
import { issueSchema, transitionsSchema } from "./schema.js";

/**
 * Moves the issue into an in-progress status once work starts, when Jira offers a transition
 * there; an issue already in progress, or a workflow without one, is left as it is.
 */
export async function startIssueWork(
  client: JiraClient,
  issueId: string,
  logger: Logger,
): Promise<void> {
  const issue = await client.json(
    {
      method: "GET",
      path: `issue/${issueId}`,
      params: { fields: "status" },
      idempotent: true,
    },
    issueSchema,
  );
  if (issue.fields.status?.statusCategory?.key !== "new") return;

  const { transitions } = await client.json(
    {
      method: "GET",
      path: `issue/${issueId}/transitions`,
      params: { expand: "transitions.fields" },
      idempotent: true,
    },
    transitionsSchema,
  );
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
