import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { assertNever, InputError } from "../domain/errors.js";
import { silentLogger, type Logger } from "../logging/logger.js";
import type { HealthReport } from "./health.js";
import type { MetricsRegistry } from "./metrics.js";
import { readBody, type BodyReading } from "./read-body.js";

export interface RouteResponse {
  status: number;
  headers?: Record<string, string>;
  /** A string or Buffer is sent as is; anything else as JSON. */
  body?: unknown;
}

/** A pluggable handler, e.g. a webhook receiver; it gets the raw body to check signatures. */
export interface Route {
  method: "GET" | "POST" | "PUT";
  path: string;
  handler(
    req: IncomingMessage,
    rawBody: Buffer,
  ): Promise<RouteResponse> | RouteResponse;
}

export interface HttpServerOptions {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  health: () => HealthReport;
  ready: () => boolean;
  metrics: MetricsRegistry;
  routes?: Route[];
  logger?: Logger;
  /** Bodies above this are refused with 413 before a handler runs. */
  maxBodyBytes?: number;
  /** Against slow senders (slow-loris); defaults in `DEFAULT_LIMITS`. */
  limits?: Partial<HttpLimits>;
}

export interface HttpLimits {
  /** The request line and headers must arrive within this. */
  headersTimeoutMs: number;
  /** The whole request must arrive within this (Node's own check, the backstop). */
  requestTimeoutMs: number;
  /** Once a handler is found, its body must arrive within this; 408 otherwise. */
  bodyTimeoutMs: number;
  /** Connections beyond this are closed as they arrive. */
  maxConnections: number;
}

export const DEFAULT_LIMITS: HttpLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  bodyTimeoutMs: 15_000,
  maxConnections: 256,
};

export interface RunningHttpServer {
  url: string;
  close(): Promise<void>;
}

const DEFAULT_MAX_BODY = 1024 * 1024;

export async function startHttpServer(
  options: HttpServerOptions,
): Promise<RunningHttpServer> {
  const logger = options.logger ?? silentLogger;
  const routes: Route[] = [
    ...builtInRoutes(options),
    ...(options.routes ?? []),
  ];
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const reading = {
    maxBody: options.maxBodyBytes ?? DEFAULT_MAX_BODY,
    timeoutMs: limits.bodyTimeoutMs,
  };

  const requestTimeout = Math.max(
    limits.requestTimeoutMs,
    limits.headersTimeoutMs,
  );
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout,
      // Node looks for expired requests only this often; the default (30 s) is too coarse.
      connectionsCheckingInterval: Math.max(
        10,
        Math.min(1000, limits.headersTimeoutMs / 2),
      ),
    },
    (req, res) => {
      void dispatch(req, res, routes, reading, logger);
    },
  );
  server.maxConnections = limits.maxConnections;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });

  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  logger.info("http.listening", { host: options.host, port });

  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function builtInRoutes(options: HttpServerOptions): Route[] {
  return [
    {
      method: "GET",
      path: "/healthz",
      // Liveness: a sleeping ITSM makes the daemon degraded, not dead (BR: hibernation).
      handler: () => ({ status: 200, body: options.health() }),
    },
    {
      method: "GET",
      path: "/readyz",
      handler: () =>
        options.ready()
          ? { status: 200, body: { ready: true } }
          : { status: 503, body: { ready: false } },
    },
    {
      method: "GET",
      path: "/metrics",
      handler: async () => ({
        status: 200,
        headers: { "content-type": options.metrics.contentType },
        body: await options.metrics.render(),
      }),
    },
  ];
}

async function dispatch(
  req: IncomingMessage,
  res: ServerResponse,
  routes: Route[],
  reading: BodyReading,
  logger: Logger,
): Promise<void> {
  const path = new URL(req.url ?? "/", "http://localhost").pathname;
  const onPath = routes.filter((route) => route.path === path);
  const route = onPath.find((candidate) => candidate.method === req.method);
  // Status, method and path only: headers and bodies may carry signatures and secrets.
  const refuse = (status: number, error: string, close = false) => {
    logger.info("http.rejected", { status, method: req.method, path });
    send(res, { status, body: { error } }, close);
  };

  try {
    if (route === undefined) {
      if (onPath.length === 0) refuse(404, "not found");
      else refuse(405, "method not allowed");
      return;
    }

    const read = await readBody(req, reading);
    switch (read.kind) {
      case "aborted":
        logger.info("http.client_aborted", { method: req.method, path });
        return;
      case "too_large":
        refuse(413, "body too large", true);
        return;
      case "timeout":
        refuse(408, "body too slow", true);
        return;
      case "read":
        break;
      default:
        assertNever(read, "body reading");
    }

    send(res, await route.handler(req, read.body));
  } catch (error) {
    logger.error("http.handler_failed", { path, method: req.method, error });
    send(res, {
      status: error instanceof InputError ? 400 : 500,
      body: {
        error: error instanceof InputError ? error.code : "internal error",
      },
    });
  }
}

/** With `close`, the connection ends after the answer: what is left of the body stays unread. */
function send(
  res: ServerResponse,
  response: RouteResponse,
  close = false,
): void {
  if (res.headersSent || res.destroyed) return;
  const { body } = response;
  const isRaw = typeof body === "string" || Buffer.isBuffer(body);
  const payload = body === undefined ? "" : isRaw ? body : JSON.stringify(body);
  const headers: Record<string, string> = {
    "content-type": isRaw ? "text/plain; charset=utf-8" : "application/json",
    ...response.headers,
    ...(close ? { connection: "close" } : {}),
  };
  res.writeHead(response.status, headers);
  // With `connection: close`, Node ends the socket once the answer is written.
  res.end(payload);
}
