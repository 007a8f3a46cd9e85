import { isCloseloopError } from "../../domain/errors.js";
import type { Logger } from "../../logging/logger.js";
import { realSleep, requestReporter } from "../http/index.js";
import type { ItsmRequestMetrics } from "../http/index.js";
import type { ItsmAdapter, TicketRef, TicketStatus } from "../types.js";
import { toAdf } from "./adf.js";
import { toWiki } from "./wiki.js";
import { statusReading, baseReading, jsmReading } from "./approval.js";
import {
  readBackAttachment,
  readBackAttachments,
  uploadEvidence,
  uploadLimit,
} from "./attachments.js";
import { JiraClient } from "./client.js";
import { closeIssue } from "./close.js";
import type { JiraInstanceConfig } from "./config.js";
import { correlationLabel, LINK_PROPERTY } from "./fields.js";
import { IssueQueue } from "./issue-queue.js";
import { approvalsPageSchema, issueSchema, myselfSchema } from "./schema.js";
import type { JiraIssue } from "./schema.js";
import { changedSince, jqlString, searchAll } from "./search.js";
import { IssueSnapshots, WITH_TRANSITIONS } from "./snapshots.js";
import { startIssueWork } from "./start-work.js";
import { createOnce } from "./create.js";

export interface JiraAdapterDeps {
  logger: Logger;
  env: NodeJS.ProcessEnv;
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
  /** Counts every HTTP request by status (`/metrics`). */
  metrics?: ItsmRequestMetrics;
}

export function createJiraAdapter(
  config: JiraInstanceConfig,
  deps: JiraAdapterDeps,
): ItsmAdapter {
  const sleep = deps.sleep ?? realSleep;
  const now = deps.now ?? (() => new Date());
  const logger = deps.logger.child({ itsm: "jira", instance: config.id });
  const client = new JiraClient(config, {
    logger,
    env: deps.env,
    sleep,
    now,
    onRequest: requestReporter(deps.metrics, config.id),
  });
  const queue = new IssueQueue();
  const snapshots = new IssueSnapshots(now);
  let own: Promise<string> | undefined;
  let limit: Promise<number> | undefined;

  const ref = (issue: { id: string; key: string }): TicketRef => ({
    itsm: "jira",
    instance: config.id,
    id: issue.id,
    key: issue.key,
    url: `${config.baseUrl.replace(/\/+$/, "")}/browse/${issue.key}`,
  });

  const ownUserId = (): Promise<string> => {
    own ??= client
      .json({ method: "GET", path: "myself", idempotent: true }, myselfSchema)
      .then((me) => me.accountId ?? me.key ?? me.name ?? "");
    own.catch(() => (own = undefined));
    return own;
  };

  const findByCorrelation = async (
    correlationId: string,
  ): Promise<TicketRef | null> => {
    const jql = `labels = ${jqlString(correlationLabel(correlationId))} ORDER BY created ASC`;
    const [first] = await searchAll(client, jql, ["labels"]);
    return first === undefined ? null : ref(first);
  };

  const attach: ItsmAdapter["attach"] = (ticket, file) =>
    queue.run(ticket.id, async () => {
      limit ??= uploadLimit(client, config.attachmentMaxBytes);
      const attached = await uploadEvidence(
        client,
        ticket.id,
        file,
        await limit,
      ).catch((error: unknown) => {
        // Our request is wrong, not the ticket gone: someone must fix the client (BR-14).
        if (isCloseloopError(error) && error.code === "CLIENT_BUG_XSRF") {
          logger.error("itsm.client_bug_xsrf", {
            ticket: ticket.key,
            code: error.code,
          });
        }
        throw error;
      });
      logger.info("evidence.attached", {
        ticket: ticket.key,
        attachmentId: attached.id,
        sha256: attached.sha256,
      });
      return attached;
    });

  const create = createOnce({
    client,
    config,
    logger,
    sleep,
    now,
    findByCorrelation,
    toRef: ref,
    attach,
  });

  const getIssue = (
    id: string,
    fields: string,
    expand?: string,
  ): Promise<JiraIssue> =>
    client.json(
      {
        method: "GET",
        path: `issue/${id}`,
        params: {
          fields,
          properties: LINK_PROPERTY,
          ...(expand === undefined ? {} : { expand }),
        },
        idempotent: true,
      },
      issueSchema,
    );

  /** Open until the status category is done; a done with a won't-do resolution is canceled. */
  const statusOf = (issue: JiraIssue): TicketStatus => {
    const category = issue.fields.status?.statusCategory?.key;
    const resolution = issue.fields.resolution?.name ?? "";
    const canceled = /won'?t|cancel|declin|duplicate|reject/i.test(resolution);
    const lifecycle =
      category !== "done" ? "open" : canceled ? "canceled" : "closed";
    return {
      lifecycle,
      rawState: issue.fields.status?.id ?? "",
      key: issue.key,
    };
  };

  const readApproval: ItsmAdapter["readApproval"] = async (ticket) => {
    const approval = config.approval;
    // The transitions come along for the start of work that follows an approval (one GET fewer).
    const expand =
      approval.mode === "status"
        ? `changelog,${WITH_TRANSITIONS}`
        : WITH_TRANSITIONS;
    const issue = await getIssue(
      ticket.id,
      "status,reporter,resolution",
      expand,
    );
    snapshots.keep(issue);
    const base = {
      ...baseReading(issue, now()),
      ticketStatus: statusOf(issue),
    };
    const ownId = await ownUserId();
    let reading;
    if (approval.mode === "status") {
      reading = statusReading(base, issue, approval, ownId);
    } else {
      const page = await client.json(
        {
          method: "GET",
          path: `/rest/servicedeskapi/request/${ticket.id}/approval`,
          // Experimental on Data Center: refused without the opt-in (reference/jira.md §3.1).
          ...(client.version === "2"
            ? { headers: { "X-ExperimentalApi": "opt-in" } }
            : {}),
          idempotent: true,
        },
        approvalsPageSchema,
      );
      reading = jsmReading(base, page.values, ownId);
    }
    logger.info("approval.read", {
      ticket: ticket.key,
      status: reading.status,
      planHash: reading.planHash,
    });
    return reading;
  };

  const readStatus = async (ticket: TicketRef): Promise<TicketStatus> => {
    try {
      // The transitions come along for the close that follows this check (one GET fewer).
      const issue = await getIssue(
        ticket.id,
        "status,resolution",
        WITH_TRANSITIONS,
      );
      snapshots.keep(issue);
      return statusOf(issue);
    } catch (error) {
      if (!isCloseloopError(error) || error.code !== "NOT_FOUND") throw error;
      // A dead token also answers 404 here: prove the login works before calling it deleted.
      own = undefined;
      await ownUserId();
      return { lifecycle: "deleted", rawState: "", key: ticket.key };
    }
  };

  const postComment = async (ticket: TicketRef, text: string) => {
    const body = client.version === "3" ? toAdf(text) : toWiki(text);
    await client.send({
      method: "POST",
      path: `issue/${ticket.id}/comment`,
      data: { body },
      idempotent: false,
    });
    logger.debug("ticket.note_added", { ticket: ticket.key });
  };

  const addComment = (ticket: TicketRef, text: string): Promise<void> =>
    queue.run(ticket.id, () => postComment(ticket, text));

  return {
    kind: "jira",
    instance: config.id,
    ownUserId,
    findByCorrelation,
    create,
    requestApproval: (ticket) => {
      // Jira's workflow opens the approval itself (JSM approval step or the configured status).
      logger.debug("approval.requested", {
        ticket: ticket.key,
        mode: config.approval.mode,
      });
      return Promise.resolve();
    },
    readApproval,
    startWork: (ticket) =>
      queue.run(ticket.id, () =>
        startIssueWork(client, ticket.id, logger, snapshots.take(ticket.id)),
      ),
    addNote: addComment,
    attach,
    // Jira has no review step: the note is a comment, and the comment's answer shows no status.
    finishWork: async (ticket, note) => {
      await addComment(ticket, note);
      return null;
    },
    listAttachments: (ticket) => readBackAttachments(client, ticket.id),
    readBack: (_ticket, attached) => readBackAttachment(client, attached),
    close: (ticket, outcome) =>
      queue.run(ticket.id, async () => {
        try {
          await closeIssue(
            client,
            config,
            ticket.id,
            logger,
            snapshots.take(ticket.id),
          );
        } catch (error) {
          // The workflow offers no way to done: the evidence note still reaches the ticket,
          // which a person then closes (BR-18).
          const blocked =
            isCloseloopError(error) && error.code === "NO_CLOSE_TRANSITION";
          if (blocked && outcome.notes !== "")
            await postComment(ticket, outcome.notes);
          throw error;
        }
        logger.info("ticket.closed", {
          ticket: ticket.key,
          successful: outcome.successful,
        });
      }),
    readStatus,
    // A globalId makes the POST an upsert: a repeated call updates the same link (jira.md §2.7).
    linkTo: (ticket, target) =>
      queue.run(ticket.id, async () => {
        await client.send({
          method: "POST",
          path: `issue/${ticket.id}/remotelink`,
          data: {
            globalId: target.url,
            object: { url: target.url, title: target.title },
          },
          idempotent: true,
        });
        logger.info("ticket.linked", { ticket: ticket.key, url: target.url });
      }),
    listChangedSince: (cursor) =>
      changedSince(client, cursor, config.pollOverlapSeconds, now(), ownUserId),
  };
}
