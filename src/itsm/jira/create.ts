import { isCloseloopError } from "../../domain/errors.js";
import type { Logger } from "../../logging/logger.js";
import type { EvidenceFile, TicketDraft, TicketRef } from "../types.js";
import type { JiraClient } from "./client.js";
import type { JiraInstanceConfig } from "./config.js";
import { buildCreateBody } from "./fields.js";
import { fullTextFile } from "./full-text.js";
import { createdIssueSchema } from "./schema.js";

/** Failures after which the create may have happened on Jira's side (BR-22). */
const AMBIGUOUS = new Set([
  "AMBIGUOUS_WRITE",
  "SERVER_ERROR",
  "INSTANCE_UNAVAILABLE",
]);

export interface CreateDeps {
  client: JiraClient;
  config: JiraInstanceConfig;
  logger: Logger;
  sleep: (ms: number) => Promise<void>;
  now: () => Date;
  findByCorrelation: (correlationId: string) => Promise<TicketRef | null>;
  toRef: (issue: { id: string; key: string }) => TicketRef;
  /** Uploads the full text a cut description points at (BR-11). */
  attach: (ref: TicketRef, file: EvidenceFile) => Promise<unknown>;
}

/**
 * Creates an issue without ever making two for one finding. Jira has no idempotency key: after an
 * ambiguous failure the label is searched for, with backoff because search lags behind writes,
 * and only when it stays missing for `lookupTimeoutMs` is the create sent again (BR-22).
 */
export function createOnce(
  deps: CreateDeps,
): (draft: TicketDraft) => Promise<TicketRef> {
  const { client, config, logger, now, sleep } = deps;

  const lookup = async (correlationId: string): Promise<TicketRef | null> => {
    const deadline = now().getTime() + config.lookupTimeoutMs;
    for (let attempt = 1; ; attempt += 1) {
      const found = await deps.findByCorrelation(correlationId);
      if (found !== null || now().getTime() >= deadline) return found;
      await sleep(Math.min(2 ** attempt * 1000, 15_000));
    }
  };

  // The issue exists whatever happens here: a failed upload is reported, never a failed create.
  const attachFullText = async (ref: TicketRef, draft: TicketDraft) => {
    const file = fullTextFile(client.version, draft);
    if (file === null) return;
    try {
      await deps.attach(ref, file);
    } catch (error) {
      logger.error("ticket.full_text_unattached", {
        ticket: ref.key,
        fileName: file.fileName,
        code: isCloseloopError(error) ? error.code : "UNEXPECTED",
      });
    }
  };

  const post = async (draft: TicketDraft): Promise<TicketRef> => {
    const body = buildCreateBody(config, client.version, draft);
    const created = await client.json(
      { method: "POST", path: "issue", data: body, idempotent: false },
      createdIssueSchema,
    );
    const ref = deps.toRef(created);
    logger.info("ticket.created", {
      findingId: draft.findingFingerprint,
      ticket: ref.key,
      ticketId: ref.id,
    });
    await attachFullText(ref, draft);
    return ref;
  };

  return async (draft) => {
    try {
      return await post(draft);
    } catch (error) {
      if (!isCloseloopError(error) || !AMBIGUOUS.has(error.code)) throw error;
      const fields = { findingId: draft.findingFingerprint, code: error.code };
      logger.warn("ticket.create_ambiguous", fields);
      const found = await lookup(draft.correlationId);
      if (found === null) return post(draft);
      logger.info("ticket.create_recovered", {
        ...fields,
        ticket: found.key,
        ticketId: found.id,
      });
      return found;
    }
  };
}
