import { isCloseloopError } from "../../domain/errors.js";
import type { Logger } from "../../logging/logger.js";
import type { JiraClient } from "./client.js";
import type { JiraInstanceConfig } from "./config.js";
import { JiraError } from "./errors.js";
import type { JiraIssue, JiraTransition } from "./schema.js";
import { issueWithTransitions, listTransitions } from "./start-work.js";

const isDone = (t: JiraTransition) => t.to?.statusCategory?.key === "done";

/** The configured path's next step among what Jira offers now: by transition id or target. */
function nextHop(
  available: JiraTransition[],
  path: string[],
  taken: Set<string>,
) {
  for (const step of path) {
    if (taken.has(step)) continue;
    const hit = available.find(
      (t) => t.id === step || t.to?.id === step || t.to?.name === step,
    );
    if (hit !== undefined) return { step, transition: hit };
  }
  return undefined;
}

/**
 * Moves an issue into a done-category status: directly when a transition goes there, otherwise
 * along the configured path, re-reading the transitions after every hop (BR-18). Only a
 * transition Jira just listed is ever posted; a resolution only when its screen has one. `seen`
 * is the issue with its transitions as read moments ago (the status read before closing).
 */
export async function closeIssue(
  client: JiraClient,
  config: JiraInstanceConfig,
  issueId: string,
  logger: Logger,
  seen?: JiraIssue,
): Promise<void> {
  if (seen === undefined) {
    const issue = await issueWithTransitions(client, issueId);
    return closeFrom(client, config, issue, logger);
  }
  try {
    await closeFrom(client, config, seen, logger);
  } catch (error) {
    // The workflow changed since the read (a move to another project brings its own transition
    // ids): Jira answers 400, and the transitions are read again once (reference/jira.md §9.4).
    if (!isCloseloopError(error) || error.code !== "PAYLOAD_SCHEMA")
      throw error;
    logger.debug("ticket.transitions_stale", { issueId });
    const issue = await issueWithTransitions(client, issueId);
    await closeFrom(client, config, issue, logger);
  }
}

async function closeFrom(
  client: JiraClient,
  config: JiraInstanceConfig,
  issue: JiraIssue,
  logger: Logger,
): Promise<void> {
  const issueId = issue.id;
  if (issue.fields.status?.statusCategory?.key === "done") return;

  const taken = new Set<string>();
  let transitions =
    issue.transitions ?? (await listTransitions(client, issueId));
  for (let hop = 0; hop <= config.maxCloseHops; hop += 1) {
    if (hop > 0) transitions = await listTransitions(client, issueId);
    const done = transitions.find(isDone);
    const next =
      done === undefined
        ? nextHop(transitions, config.closePath ?? [], taken)
        : undefined;
    const transition = done ?? next?.transition;
    if (
      transition === undefined ||
      (done === undefined && hop >= config.maxCloseHops)
    ) {
      throw new JiraError(
        "NO_CLOSE_TRANSITION",
        `no transition leads issue ${issueId} to a done status from here`,
        {
          details: {
            issueId,
            available: transitions.map((t) => t.name),
            hops: hop,
          },
        },
      );
    }
    if (next !== undefined) taken.add(next.step);

    const resolution = transition.fields?.resolution;
    const allowed = resolution?.allowedValues?.map((v) => v.name) ?? [];
    const name = allowed.includes(config.resolution)
      ? config.resolution
      : allowed[0];
    await client.send({
      method: "POST",
      path: `issue/${issueId}/transitions`,
      data: {
        transition: { id: transition.id },
        ...(resolution === undefined
          ? {}
          : { fields: { resolution: { name: name ?? config.resolution } } }),
      },
      idempotent: false,
    });
    logger.debug("ticket.transitioned", {
      issueId,
      transition: transition.id,
      hop,
    });
    if (done !== undefined) return;
  }
}
