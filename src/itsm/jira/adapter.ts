import { isCloseloopError } from "../../domain/errors.js";
import type { Logger } from "../../logging/logger.js";
import { realSleep } from "../http/index.js";
import type {
  ItsmAdapter,
  TicketDraft,
  TicketRef,
  TicketStatus,
} from "../types.js";
import { toAdf } from "./adf.js";
import { statusReading, baseReading, jsmReading } from "./approval.js";
import {
  readBackAttachments,
  uploadEvidence,
  uploadLimit,
} from "./attachments.js";
import { JiraClient } from "./client.js";
import { closeIssue } from "./close.js";
import type { JiraInstanceConfig } from "./config.js";
import { buildCreateBody, correlationLabel, LINK_PROPERTY } from "./fields.js";
import { IssueQueue } from "./issue-queue.js";
import {
  approvalsPageSchema,
  createdIssueSchema,
  issueSchema,
  myselfSchema,
} from "./schema.js";
import type { JiraIssue } from "./schema.js";
import { changedSince, jqlString, searchAll } from "./search.js";
import { startIssueWork } from "./start-work.js";

export interface JiraAdapterDeps {
  logger: Logger;
  env: NodeJS.ProcessEnv;
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
}

/** Failures after which the create may have happened on Jira's side (BR-22). */
const AMBIGUOUS = new Set([
  "AMBIGUOUS_WRITE",
  "SERVER_ERROR",
  "INSTANCE_UNAVAILABLE",
]);

export function createJiraAdapter(
  config: JiraInstanceConfig,
  deps: JiraAdapterDeps,
): ItsmAdapter {
  const sleep = deps.sleep ?? realSleep;
  const now = deps.now ?? (() => new Date());
  const logger = deps.logger.child({ itsm: "jira", instance: config.id });
  const client = new JiraClient(config, { logger, env: deps.env, sleep, now });
  const queue = new IssueQueue();
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

  /** Search is eventually consistent: a fresh issue may be missing for a while (BR-22). */
  const lookupAfterFailure = async (
    correlationId: string,
  ): Promise<TicketRef | null> => {
    const deadline = now().getTime() + config.lookupTimeoutMs;
    for (let attempt = 1; ; attempt += 1) {
      const found = await findByCorrelation(correlationId);
      if (found !== null || now().getTime() >= deadline) return found;
      await sleep(Math.min(2 ** attempt * 1000, 15_000));
    }
  };

  const post = (draft: TicketDraft) =>
    client.json(
      {
        method: "POST",
        path: "issue",
        data: buildCreateBody(config, client.version, draft),
        idempotent: false,
      },
      createdIssueSchema,
    );

  const create = async (draft: TicketDraft): Promise<TicketRef> => {
    const fields = {
      findingId: draft.findingFingerprint,
      correlationId: draft.correlationId,
    };
    try {
      const created = ref(await post(draft));
      logger.info("ticket.created", {
        ...fields,
        ticket: created.key,
        ticketId: created.id,
      });
      return created;
    } catch (error) {
      if (!isCloseloopError(error) || !AMBIGUOUS.has(error.code)) throw error;
      logger.warn("ticket.create_ambiguous", { ...fields, code: error.code });
      const found = await lookupAfterFailure(draft.correlationId);
      if (found !== null) {
        logger.info("ticket.create_recovered", {
          ...fields,
          ticket: found.key,
          ticketId: found.id,
        });
        return found;
      }
      const created = ref(await post(draft));
      logger.info("ticket.created", {
        ...fields,
        ticket: created.key,
        ticketId: created.id,
      });
      return created;
    }
  };

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

  const readApproval: ItsmAdapter["readApproval"] = async (ticket) => {
    const approval = config.approval;
    const expand = approval.mode === "status" ? "changelog" : undefined;
    const issue = await getIssue(ticket.id, "status,reporter", expand);
    const base = baseReading(issue, now());
    const ownId = await ownUserId();
    let reading;
    if (approval.mode === "status") {
      reading = statusReading(base, issue, approval, ownId);
    } else {
      const page = await client.json(
        {
          method: "GET",
          path: `/rest/servicedeskapi/request/${ticket.id}/approval`,
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
      const issue = await getIssue(ticket.id, "status,resolution");
      const category = issue.fields.status?.statusCategory?.key;
      const resolution = issue.fields.resolution?.name ?? "";
      const canceled = /won'?t|cancel|declin|duplicate|reject/i.test(
        resolution,
      );
      const lifecycle =
        category !== "done" ? "open" : canceled ? "canceled" : "closed";
      return {
        lifecycle,
        rawState: issue.fields.status?.id ?? "",
        key: issue.key,
      };
    } catch (error) {
      if (!isCloseloopError(error) || error.code !== "NOT_FOUND") throw error;
      // A dead token also answers 404 here: prove the login works before calling it deleted.
      own = undefined;
      await ownUserId();
      return { lifecycle: "deleted", rawState: "", key: ticket.key };
    }
  };

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
      queue.run(ticket.id, () => startIssueWork(client, ticket.id, logger)),
    addNote: (ticket, text) =>
      queue.run(ticket.id, async () => {
        const body = client.version === "3" ? toAdf(text) : text;
        await client.send({
          method: "POST",
          path: `issue/${ticket.id}/comment`,
          data: { body },
          idempotent: false,
        });
        logger.debug("ticket.note_added", { ticket: ticket.key });
      }),
    attach: (ticket, file) =>
      queue.run(ticket.id, async () => {
        limit ??= uploadLimit(client, config.attachmentMaxBytes);
        const attached = await uploadEvidence(
          client,
          ticket.id,
          file,
          await limit,
        );
        logger.info("evidence.attached", {
          ticket: ticket.key,
          attachmentId: attached.id,
          sha256: attached.sha256,
        });
        return attached;
      }),
    listAttachments: (ticket) => readBackAttachments(client, ticket.id),
    close: (ticket, outcome) =>
      queue.run(ticket.id, async () => {
        await closeIssue(client, config, ticket.id, logger);
        logger.info("ticket.closed", {
          ticket: ticket.key,
          successful: outcome.successful,
        });
      }),
    readStatus,
    listChangedSince: (cursor) =>
      changedSince(client, cursor, config.pollOverlapSeconds, now()),
  };
}
