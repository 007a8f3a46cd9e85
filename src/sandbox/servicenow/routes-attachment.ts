import { createHash } from "node:crypto";
import { matches, parseEncodedQuery } from "./query.js";
import type { SnRecord } from "./query.js";
import { errorResponse, jsonResponse, notFound } from "./responses.js";
import { glideDateTime } from "./schema.js";
import { newSysId } from "./store.js";
import type { SnStore } from "./store.js";

interface StoredAttachment {
  meta: SnRecord;
  bytes: Buffer;
  /** Metadata reads left before the (simulated) virus scan ends and `pending` turns `available`. */
  readsUntilReady: number;
  /** When the scan ends by the instance's clock: `pending` until then, however often it is read. */
  scanEndsAt: number;
}

/** How long the simulated virus scan keeps an upload `pending` (reference §5). */
export interface ScanTiming {
  /** Metadata reads it stays `pending` for. */
  readyAfterReads: number;
  /** Milliseconds after the upload it stays `pending` for, by the simulator's clock. */
  scanMs: number;
}

const META_FIELDS = [
  "sys_id",
  "file_name",
  "content_type",
  "size_bytes",
  "size_compressed",
  "compressed",
  "hash",
  "state",
  "chunk_size_bytes",
  "table_name",
  "table_sys_id",
  "download_link",
  "sys_created_on",
  "sys_created_by",
  "sys_updated_on",
  "sys_updated_by",
  "sys_mod_count",
];

/**
 * The Attachment API (reference §5): raw bytes in, metadata with a SHA-256 `hash` and a `state`
 * that stays `pending` for a while, all values strings.
 */
export class AttachmentTable {
  readonly #rows = new Map<string, StoredAttachment>();
  readonly #scan: ScanTiming;
  readonly #now: () => Date;

  /** Pending ends once both have passed: the reads and the time. */
  constructor(scan: ScanTiming, now: () => Date) {
    this.#scan = scan;
    this.#now = now;
  }

  all(): StoredAttachment[] {
    return [...this.#rows.values()];
  }

  async handle(
    request: Request,
    url: URL,
    rest: string[],
    ctx: { store: SnStore; user: string; baseUrl: string },
  ): Promise<Response> {
    const [first, second] = rest;
    if (request.method === "POST" && first === "file") {
      return this.#upload(request, url, ctx);
    }
    if (request.method === "GET" && first === undefined) {
      return this.#list(url);
    }

    const found = this.#rows.get(first ?? "");
    if (found === undefined) return notFound();
    if (request.method === "DELETE" && second === undefined) {
      this.#rows.delete(first ?? "");
      return new Response(null, { status: 204 });
    }
    if (request.method === "GET" && second === "file") {
      return new Response(found.bytes, {
        status: 200,
        headers: {
          "Content-Type": found.meta.content_type ?? "application/octet-stream",
          "X-Attachment-Metadata": JSON.stringify(found.meta),
        },
      });
    }
    if (request.method === "GET" && second === undefined) {
      return jsonResponse({ result: this.#read(found) });
    }
    return errorResponse(405, "Method not Supported", request.method);
  }

  async #upload(
    request: Request,
    url: URL,
    ctx: { store: SnStore; user: string; baseUrl: string },
  ): Promise<Response> {
    const table = url.searchParams.get("table_name");
    const tableSysId = url.searchParams.get("table_sys_id");
    const fileName = url.searchParams.get("file_name");
    const contentType = request.headers.get("content-type");
    if (table === null || tableSysId === null || fileName === null) {
      return errorResponse(
        400,
        "Missing parameter",
        "table_name, table_sys_id and file_name are required",
      );
    }
    if (contentType === null || contentType === "") {
      return errorResponse(
        400,
        "Missing header",
        "Content-Type header is required",
      );
    }
    if (ctx.store.get(table, tableSysId) === undefined) return notFound();

    const bytes = Buffer.from(await request.arrayBuffer());
    const sysId = newSysId();
    const stamp = glideDateTime(ctx.store.now());
    const meta: SnRecord = {
      sys_id: sysId,
      file_name: fileName,
      content_type: contentType,
      size_bytes: String(bytes.length),
      size_compressed: String(bytes.length),
      compressed: "true",
      hash: createHash("sha256").update(bytes).digest("hex"),
      state: "pending",
      chunk_size_bytes: "700000",
      table_name: table,
      table_sys_id: tableSysId,
      download_link: `${ctx.baseUrl}/api/now/attachment/${sysId}/file`,
      sys_created_on: stamp,
      sys_created_by: ctx.user,
      sys_updated_on: stamp,
      sys_updated_by: ctx.user,
      sys_mod_count: "0",
    };
    this.#rows.set(sysId, {
      meta,
      bytes,
      readsUntilReady: this.#scan.readyAfterReads,
      scanEndsAt: ctx.store.now().getTime() + this.#scan.scanMs,
    });
    return jsonResponse({ result: { ...meta } }, 201, {
      Location: `${ctx.baseUrl}/api/now/attachment/${sysId}`,
    });
  }

  #list(url: URL): Response {
    const query = parseEncodedQuery(
      url.searchParams.get("sysparm_query") ?? "",
      META_FIELDS,
    );
    const found = this.all().filter((a) => matches(a.meta, query));
    return jsonResponse({ result: found.map((a) => this.#read(a)) }, 200, {
      "X-Total-Count": String(found.length),
    });
  }

  #read(attachment: StoredAttachment): SnRecord {
    if (attachment.meta.state === "pending") {
      attachment.readsUntilReady -= 1;
      const scanned = this.#now().getTime() >= attachment.scanEndsAt;
      if (attachment.readsUntilReady < 0 && scanned)
        attachment.meta.state = "available";
    }
    return { ...attachment.meta };
  }
}
