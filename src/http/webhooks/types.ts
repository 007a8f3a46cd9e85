import type { IncomingMessage } from "node:http";
import type { z } from "zod";
import type { ItsmKind } from "../../itsm/types.js";

export interface WebhookResult {
  status: number;
  body?: unknown;
}

/** A route handler H5's HTTP server mounts; it gets the raw body so signatures can be checked. */
export type WebhookHandler = (
  req: IncomingMessage,
  rawBody: Buffer,
) => Promise<WebhookResult>;

/** A verified webhook only says "look again": the engine re-reads the record before deciding. */
export interface WebhookHint {
  itsm: ItsmKind;
  instance: string;
  ticketId: string;
}

export type OnHint = (hint: WebhookHint) => Promise<void> | void;

export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** Why a delivery is dropped as a replay; these are logged at info, other reasons at debug. */
export const REPLAYED: ReadonlySet<string> = new Set([
  "duplicate",
  "stale",
  "out_of_order",
]);

/**
 * True for `application/json`, with or without parameters. Jira and GitHub send it, and so does
 * the REST message in docs/servicenow-webhook.md; anything else is answered 415.
 */
export function isJsonRequest(req: IncomingMessage): boolean {
  const type = header(req, "content-type");
  if (type === undefined) return false;
  const media = type.split(";")[0]?.trim().toLowerCase();
  return media === "application/json";
}

/** The paths of the fields that failed, never their values (a payload may carry a secret). */
export function failedPaths(error: z.ZodError): string[] {
  const paths = error.issues.map((issue) =>
    issue.path.length === 0 ? "(body)" : issue.path.map(String).join("."),
  );
  return [...new Set(paths)];
}
