import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { renderPage } from "./page/html.js";

/** One simulated system the sandbox serves (ServiceNow, Jira). */
export interface SandboxSystem {
  name: string;
  /** Answers a request, or null when it is not this system's. */
  handle(request: Request): Promise<Response | null>;
  /** Its part of the sandbox page, as HTML with every value escaped. */
  renderSection(): string;
}

export interface SandboxServerOptions {
  /** 0 = any free port. */
  port?: number;
  host?: string;
  systems: SandboxSystem[];
}

export interface SandboxServer {
  url: string;
  close(): Promise<void>;
}

/** Serves the simulators and the approval page on node:http, for the demo and for people. */
export async function startSandboxServer(
  options: SandboxServerOptions,
): Promise<SandboxServer> {
  const host = options.host ?? "127.0.0.1";
  const server = createServer((req, res) => {
    serve(req, res, host, options.systems).catch(() => {
      if (!res.headersSent)
        res.writeHead(500, { "Content-Type": "text/plain" });
      res.end("sandbox error");
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const hostPart = host.includes(":") ? `[${host}]` : host;

  return {
    url: `http://${hostPart}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  host: string,
  systems: readonly SandboxSystem[],
): Promise<void> {
  const request = await toRequest(req, host);
  const path = new URL(request.url).pathname;

  if (request.method === "GET" && (path === "/" || path === "/index.html")) {
    const page = renderPage(systems.map((s) => s.renderSection()));
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    res.end(page);
    return;
  }

  for (const system of systems) {
    const response = await system.handle(request);
    if (response === null) continue;
    await writeResponse(res, response);
    return;
  }
  res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" });
  res.end("not found");
}

async function toRequest(req: IncomingMessage, host: string): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);

  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value])
      headers.append(name, v);
  }
  const origin = `http://${req.headers.host ?? host}`;
  const hasBody =
    req.method !== "GET" && req.method !== "HEAD" && body.length > 0;
  return new Request(new URL(req.url ?? "/", origin), {
    method: req.method ?? "GET",
    headers,
    ...(hasBody ? { body } : {}),
  });
}

async function writeResponse(
  res: ServerResponse,
  response: Response,
): Promise<void> {
  // A fetch "network error" response stands for a dropped connection (fault injection).
  if (response.type === "error") {
    res.socket?.destroy();
    return;
  }
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const body = Buffer.from(await response.arrayBuffer());
  res.writeHead(response.status, headers);
  res.end(body);
}
