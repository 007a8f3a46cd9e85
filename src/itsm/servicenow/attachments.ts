import { createHash } from "node:crypto";
import { z } from "zod";
import { ItsmError, isItsmError } from "../http/index.js";
import type { AttachmentRef, EvidenceFile, TicketRef } from "../types.js";
import type { SnContext } from "./changes.js";
import { queryValue } from "./schema.js";

const metaSchema = z.object({
  sys_id: z.string(),
  file_name: z.string(),
  size_bytes: z.string(),
  table_sys_id: z.string(),
  hash: z.string().optional(),
  state: z.string().optional(),
});
type Meta = z.infer<typeof metaSchema>;

const MAX_POLLS = 30;

/**
 * Uploads the evidence and proves it arrived whole: the size and the SHA-256 `hash` the instance
 * reports must equal ours, and `pending` (the virus scan) must end (reference §5).
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
      params: {
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

  for (let poll = 0; meta.state === "pending" && poll < MAX_POLLS; poll += 1) {
    await ctx.sleep(ctx.config.attachmentPollMs ?? 1_000);
    meta = await readMeta(ctx, meta.sys_id);
  }

  const reported = meta.hash ?? (await downloadHash(ctx, meta.sys_id));
  if (Number(meta.size_bytes) !== file.bytes.length || reported !== sha256) {
    throw new ItsmError(
      "UNEXPECTED_RESPONSE",
      "attachment read back differs from the evidence",
      {
        details: {
          reason: "attachment_mismatch",
          ticket: ref.key,
          attachment: meta.sys_id,
        },
      },
    );
  }
  ctx.logger.info("evidence.attached", {
    ticket: ref.key,
    attachment: meta.sys_id,
    sha256,
  });
  return toRef(meta, sha256);
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
      sysparm_query: `table_name=change_request^table_sys_id=${queryValue(ref.id)}`,
      sysparm_limit: "1000",
    },
    idempotent: true,
    schema: z.object({ result: z.array(metaSchema) }),
  });
  // A dropped query part would list every attachment of the instance (reference §0.1).
  return (response?.body.result ?? []).filter((m) => m.table_sys_id === ref.id);
}

async function readMeta(ctx: SnContext, id: string): Promise<Meta> {
  const response = await ctx.client.request({
    method: "GET",
    path: `/api/now/attachment/${queryValue(id)}`,
    idempotent: true,
    schema: z.object({ result: metaSchema }),
  });
  return response?.body.result ?? missing();
}

/** Releases without `hash` in the metadata: hash the bytes as downloaded. */
async function downloadHash(ctx: SnContext, id: string): Promise<string> {
  const response = await ctx.client.downloadBytes(
    `/api/now/attachment/${queryValue(id)}/file`,
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

function missing(): never {
  throw new ItsmError("UNEXPECTED_RESPONSE", "attachment answer had no body");
}
