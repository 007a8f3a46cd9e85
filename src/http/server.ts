import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { InputError } from "../domain/errors.js";
import { silentLogger, type Logger } from "../logging/logger.js";
import type { HealthReport } from "./health.js";
import type { MetricsRegistry } from "./metrics.js";

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
}

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
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;

  const server = createServer((req, res) => {
    void dispatch(req, res, routes, maxBody, logger);
  });
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
  maxBody: number,
  logger: Logger,
): Promise<void> {
  const path = new URL(req.url ?? "/", "http://localhost").pathname;
  const onPath = routes.filter((route) => route.path === path);
  const route = onPath.find((candidate) => candidate.method === req.method);

  try {
    if (route === undefined) {
      const status = onPath.length === 0 ? 404 : 405;
      send(res, {
        status,
        body: { error: status === 404 ? "not found" : "method not allowed" },
      });
      return;
    }

    const body = await readBody(req, maxBody);
    if (body === null) {
      send(res, { status: 413, body: { error: "body too large" } });
      return;
    }

    send(res, await route.handler(req, body));
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

/**
 * The whole body, or null once it passes the limit. The rest is drained, not left unread, so the
 * 413 still reaches the client.
 */
async function readBody(
  req: IncomingMessage,
  maxBody: number,
): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size <= maxBody) chunks.push(buffer);
  }
  return size > maxBody ? null : Buffer.concat(chunks);
}

function send(res: ServerResponse, response: RouteResponse): void {
  if (res.headersSent) return;
  const { body } = response;
  const isRaw = typeof body === "string" || Buffer.isBuffer(body);
  const payload = body === undefined ? "" : isRaw ? body : JSON.stringify(body);
  const headers: Record<string, string> = {
    "content-type": isRaw ? "text/plain; charset=utf-8" : "application/json",
    ...response.headers,
  };
  res.writeHead(response.status, headers);
  res.end(payload);
}
