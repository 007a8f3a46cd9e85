import { createHash } from "node:crypto";
import { z } from "zod";
import { ItsmError, isItsmError } from "../http/index.js";
import type { AttachmentRef, EvidenceFile, TicketRef } from "../types.js";
import type { SnContext } from "./changes.js";
import { RAW, queryValue } from "./schema.js";

const metaSchema = z.object({
  sys_id: z.string(),
  file_name: z.string(),
  size_bytes: z.string(),
  table_sys_id: z.string(),
  hash: z.string().optional(),
  state: z.string().optional(),
});
type Meta = z.infer<typeof metaSchema>;

/** List reads while the scan is pending, `attachmentPollMs` apart, before the engine waits. */
const MAX_PENDING_READS = 5;

/**
 * Uploads the evidence and checks the answer: the size and the SHA-256 `hash` the instance
 * reports must equal ours (reference §5). The answer is `pending` while the virus scan runs; the
 * read-back (`readBack`) waits that out, so the upload itself reads nothing more.
 */
export async function attach(
  ctx: SnContext,
  ref: TicketRef,
  file: EvidenceFile,
): Promise<AttachmentRef> {
  const sha256 = createHash("sha256").update(file.bytes).digest("hex");
  let meta: Meta;
  try {
    const response = await ctx.client.request({
      method: "POST",
      path: "/api/now/attachment/file",
      // Every request says it wants raw values, the Attachment API's too (cases BR-07).
      params: {
        sysparm_display_value: RAW.sysparm_display_value,
        table_name: "change_request",
        table_sys_id: ref.id,
        file_name: file.fileName,
      },
      data: file.bytes,
      contentType: file.contentType,
      idempotent: false,
      schema: z.object({ result: metaSchema }),
    });
    meta = response?.body.result ?? missing();
  } catch (error) {
    if (!isItsmError(error) || error.code !== "AMBIGUOUS_WRITE") throw error;
    const landed = (await listMeta(ctx, ref)).find(
      (m) => m.file_name === file.fileName && m.hash === sha256,
    );
    if (landed === undefined) throw error;
    meta = landed;
  }

  const reported = meta.hash ?? (await downloadHash(ctx, meta.sys_id));
  if (Number(meta.size_bytes) !== file.bytes.length || reported !== sha256) {
    throw mismatch(ref, meta.sys_id);
  }
  ctx.logger.info("evidence.attached", {
    ticket: ref.key,
    attachment: meta.sys_id,
    sha256,
  });
  return toRef(meta, sha256);
}

/**
 * The uploaded attachment as the change's attachment list shows it now: one list query, read
 * again while the scan says `pending`, and the bytes hashed only where a release reports no
 * `hash`. Null when the attachment is gone from the change.
 */
export async function readBack(
  ctx: SnContext,
  ref: TicketRef,
  attached: AttachmentRef,
): Promise<AttachmentRef | null> {
  const pollMs = ctx.config.attachmentPollMs ?? 1_000;
  // The upload answered `pending`: give the scan its time before the first read, not a read.
  if (!attached.ready) await ctx.sleep(pollMs);
  let meta = (await listMeta(ctx, ref)).find((m) => m.sys_id === attached.id);
  for (
    let read = 1;
    meta?.state === "pending" && read < MAX_PENDING_READS;
    read += 1
  ) {
    await ctx.sleep(pollMs);
    meta = (await listMeta(ctx, ref)).find((m) => m.sys_id === attached.id);
  }
  if (meta === undefined) return null;
  if (meta.state === "pending") return toRef(meta, meta.hash ?? "");
  return toRef(meta, meta.hash ?? (await downloadHash(ctx, meta.sys_id)));
}

export async function listAttachments(
  ctx: SnContext,
  ref: TicketRef,
): Promise<AttachmentRef[]> {
  const metas = await listMeta(ctx, ref);
  return metas.map((m) => toRef(m, m.hash ?? ""));
}

async function listMeta(ctx: SnContext, ref: TicketRef): Promise<Meta[]> {
  const response = await ctx.client.request({
    method: "GET",
    path: "/api/now/attachment",
    params: {
      sysparm_display_value: RAW.sysparm_display_value,
      sysparm_query: `table_name=change_request^table_sys_id=${queryValue(ref.id)}`,
      sysparm_limit: "1000",
    },
    idempotent: true,
    schema: z.object({ result: z.array(metaSchema) }),
  });
  // A dropped query part would list every attachment of the instance (reference §0.1).
  return (response?.body.result ?? []).filter((m) => m.table_sys_id === ref.id);
}

/** Releases without `hash` in the metadata: hash the bytes as downloaded. */
async function downloadHash(ctx: SnContext, id: string): Promise<string> {
  const response = await ctx.client.downloadBytes(
    `/api/now/attachment/${queryValue(id)}/file?sysparm_display_value=${RAW.sysparm_display_value}`,
  );
  return createHash("sha256").update(response).digest("hex");
}

function toRef(meta: Meta, sha256: string): AttachmentRef {
  return {
    id: meta.sys_id,
    fileName: meta.file_name,
    sizeBytes: Number(meta.size_bytes),
    sha256,
    ready: meta.state !== "pending",
  };
}

function mismatch(ref: TicketRef, attachment: string): ItsmError {
  return new ItsmError(
    "UNEXPECTED_RESPONSE",
    "attachment read back differs from the evidence",
    {
      details: { reason: "attachment_mismatch", ticket: ref.key, attachment },
    },
  );
}

function missing(): never {
  throw new ItsmError("UNEXPECTED_RESPONSE", "attachment answer had no body");
}
