import { isCloseloopError } from "../../domain/errors.js";
import { sha256Hex } from "../../domain/secret.js";
import type { AttachmentRef, EvidenceFile } from "../types.js";
import type { JiraClient } from "./client.js";
import { JiraError } from "./errors.js";
import {
  attachmentMetaSchema,
  issueSchema,
  uploadResponseSchema,
} from "./schema.js";

/** Jira keeps the name as given; an ASCII name survives every proxy and download header. */
export function asciiFileName(name: string): string {
  const ascii = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^A-Za-z0-9._-]+/g, "_")
    .replace(/^[._]+/, "");
  return ascii === "" ? "evidence.bin" : ascii.slice(0, 200);
}

/** The site's upload limit, read once (reference/jira.md §2.6: `attachment/meta`). */
export async function uploadLimit(
  client: JiraClient,
  configured: number | undefined,
): Promise<number> {
  if (configured !== undefined) return configured;
  const meta = await client.json(
    { method: "GET", path: "attachment/meta", idempotent: true },
    attachmentMetaSchema,
  );
  return meta.uploadLimit;
}

export async function uploadEvidence(
  client: JiraClient,
  issueId: string,
  file: EvidenceFile,
  limit: number,
): Promise<AttachmentRef> {
  if (file.bytes.length > limit) {
    throw new JiraError(
      "ATTACHMENT_TOO_LARGE",
      `evidence ${file.fileName} exceeds Jira's limit`,
      {
        details: { sizeBytes: file.bytes.length, limitBytes: limit },
      },
    );
  }
  const fileName = asciiFileName(file.fileName);
  const answer = await client.upload(
    issueId,
    fileName,
    file.contentType,
    file.bytes,
  );
  const stored = uploadResponseSchema
    .parse(answer)
    .find((a) => a.filename === fileName);
  return {
    id: stored?.id ?? "",
    fileName,
    sizeBytes: stored?.size ?? file.bytes.length,
    sha256: sha256Hex(file.bytes),
    ready: stored !== undefined,
  };
}

/** The issue's attachments, each hashed from its downloaded content: Jira reports no hash. */
export async function readBackAttachments(
  client: JiraClient,
  issueId: string,
): Promise<AttachmentRef[]> {
  const issue = await client.json(
    {
      method: "GET",
      path: `issue/${issueId}`,
      params: { fields: "attachment" },
      idempotent: true,
    },
    issueSchema,
  );
  const refs: AttachmentRef[] = [];
  for (const attachment of issue.fields.attachment ?? []) {
    const content = await client.send(
      {
        method: "GET",
        path: `attachment/content/${attachment.id}`,
        idempotent: true,
      },
      "arraybuffer",
    );
    const bytes = Buffer.from(content.data as ArrayBuffer);
    refs.push({
      id: attachment.id,
      fileName: attachment.filename,
      sizeBytes: attachment.size,
      sha256: sha256Hex(bytes),
      ready: bytes.length === attachment.size,
    });
  }
  return refs;
}

/**
 * One uploaded attachment read back by its id: Jira reports no hash, so the content is downloaded
 * and hashed. The id is the one the upload to this issue answered with, and an attachment belongs
 * to one issue for good, so the download proves it is still there with these bytes. Null once it
 * is gone.
 */
export async function readBackAttachment(
  client: JiraClient,
  attached: AttachmentRef,
): Promise<AttachmentRef | null> {
  let data: unknown;
  try {
    const content = await client.send(
      {
        method: "GET",
        path: `attachment/content/${attached.id}`,
        idempotent: true,
      },
      "arraybuffer",
    );
    data = content.data;
  } catch (error) {
    if (isCloseloopError(error) && error.code === "NOT_FOUND") return null;
    throw error;
  }
  const bytes = Buffer.from(data as ArrayBuffer);
  return {
    ...attached,
    sizeBytes: bytes.length,
    sha256: sha256Hex(bytes),
    ready: true,
  };
}
