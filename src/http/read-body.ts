import type { IncomingMessage } from "node:http";

export interface BodyReading {
  maxBody: number;
  timeoutMs: number;
}

export type BodyRead =
  | { kind: "read"; body: Buffer }
  | { kind: "too_large" }
  | { kind: "timeout" }
  | { kind: "aborted" };

/**
 * The whole body, or why not. Reading stops as soon as `Content-Length` or the bytes read pass
 * the limit, or the body takes too long; the rest is left unread for the caller to close.
 */
export function readBody(
  req: IncomingMessage,
  reading: BodyReading,
): Promise<BodyRead> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > reading.maxBody) return Promise.resolve({ kind: "too_large" });

  return new Promise<BodyRead>((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (result: BodyRead) => {
      clearTimeout(timer);
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onAbort);
      req.off("close", onAbort);
      if (result.kind !== "read") req.pause();
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > reading.maxBody) finish({ kind: "too_large" });
      else chunks.push(chunk);
    };
    const onEnd = () => finish({ kind: "read", body: Buffer.concat(chunks) });
    const onAbort = () => finish({ kind: "aborted" });
    const timer = setTimeout(
      () => finish({ kind: "timeout" }),
      reading.timeoutMs,
    );
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onAbort);
    req.on("close", onAbort);
  });
}
