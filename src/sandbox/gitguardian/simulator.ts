import { http } from "msw";
import type { HttpHandler } from "msw";
import { html } from "../page/html.js";
import { makeIncident } from "./incidents.js";
import type { GgIncident, IncidentSeed } from "./incidents.js";

export interface GitguardianSimOptions {
  /** e.g. `http://127.0.0.1:4620`, or a self-hosted `…/exposed` root. */
  baseUrl: string;
  /** The one API key accepted (`Authorization: Token …`). */
  token: string;
  incidents?: (IncidentSeed | GgIncident)[];
  /** Items on page n (1-based) regardless of `per_page`: to serve a short page mid-list. */
  pageSizes?: number[];
}

/** What the simulator answers the next request with instead of the route, oldest first. */
export type GgFault =
  | { kind: "rate-limit"; retryAfterSeconds: number }
  | { kind: "unauthorized" }
  | { kind: "server-error" };

export interface GitguardianSimulator {
  readonly name: "gitguardian";
  readonly baseUrl: string;
  readonly incidents: GgIncident[];
  readonly requests: { path: string; query: Record<string, string> }[];
  readonly faults: GgFault[];
  handle(request: Request): Promise<Response | null>;
  handlers(): HttpHandler[];
  /** Its part of the sandbox page (`startSandboxServer`). */
  renderSection(): string;
}

const MAX_PER_PAGE = 100;

/**
 * GitGuardian's secret incidents API: `GET /v1/incidents/secrets` with an opaque `cursor` and a
 * `link` header whose `rel="next"` is absent on the last page
 * (docs.gitguardian.com/api-docs/pagination), `status` filter, and one incident by id.
 */
export function createGitguardianSimulator(
  options: GitguardianSimOptions,
): GitguardianSimulator {
  const base = options.baseUrl.replace(/\/+$/, "");
  const incidents = (options.incidents ?? []).map((i) =>
    "detector" in i ? (i as GgIncident) : makeIncident(i as IncidentSeed),
  );
  const requests: GitguardianSimulator["requests"] = [];
  const faults: GgFault[] = [];

  function handle(request: Request): Promise<Response | null> {
    return Promise.resolve(answer(request));
  }

  function answer(request: Request): Response | null {
    if (!request.url.startsWith(`${base}/`)) return null;
    const url = new URL(request.url);
    const path = url.pathname.slice(
      new URL(base).pathname.replace(/\/+$/, "").length,
    );
    requests.push({ path, query: Object.fromEntries(url.searchParams) });
    const fault = faults.shift();
    if (fault !== undefined) return faultResponse(fault);

    const auth = request.headers.get("authorization") ?? "";
    if (auth !== `Token ${options.token}`) return unauthorized();
    if (request.method !== "GET") return notFound();

    const one = /^\/v1\/incidents\/secrets\/(\d+)$/.exec(path);
    if (one !== null) {
      const found = incidents.find((i) => i.id === Number(one[1]));
      return found === undefined ? notFound() : json(200, found);
    }
    if (path !== "/v1/incidents/secrets") return notFound();
    return listPage(url);
  }

  function listPage(url: URL): Response {
    const status = url.searchParams.get("status");
    const matching = status
      ? incidents.filter((i) => i.status === status)
      : incidents;
    const cursor = url.searchParams.get("cursor");
    const page = cursor === null ? 1 : decodeCursor(cursor);
    if (page === null) return json(400, { detail: "Invalid cursor." });
    const perPage = Math.min(
      MAX_PER_PAGE,
      Number(url.searchParams.get("per_page") ?? "20"),
    );
    const sizeOf = (n: number) => options.pageSizes?.[n - 1] ?? perPage;
    let start = 0;
    for (let n = 1; n < page; n += 1) start += sizeOf(n);
    const items = matching.slice(start, start + sizeOf(page));
    const links: string[] = [];
    const at = (n: number) => {
      const next = new URL(url);
      next.searchParams.set("cursor", encodeCursor(n));
      return next.toString();
    };
    if (start + items.length < matching.length)
      links.push(`<${at(page + 1)}>; rel="next"`);
    if (page > 1) links.push(`<${at(page - 1)}>; rel="prev"`);
    return json(200, items, links.length ? { link: links.join(", ") } : {});
  }

  const handlers = (): HttpHandler[] => [
    http.all(
      `${base}/*`,
      async ({ request }) => (await handle(request)) ?? notFound(),
    ),
  ];
  const renderSection = (): string =>
    html`<section>
      <h2>GitGuardian incidents (simulated)</h2>
      <table>
        <tr>
          <th>incident</th>
          <th>status</th>
        </tr>
        ${incidents.map(
          (i) =>
            html`<tr>
              <td>${i.id}</td>
              <td>${i.status}</td>
            </tr>`,
        )}
      </table>
    </section>`.toString();
  return {
    name: "gitguardian",
    baseUrl: base,
    incidents,
    requests,
    faults,
    handle,
    handlers,
    renderSection,
  };
}

// The real cursor is opaque base64 (`cD03Mjc%3D` = `p=727`); the sandbox keeps a page number.
function encodeCursor(page: number): string {
  return Buffer.from(`p=${page}`).toString("base64");
}

function decodeCursor(cursor: string): number | null {
  const match = /^p=(\d+)$/.exec(Buffer.from(cursor, "base64").toString());
  return match === null ? null : Number(match[1]);
}

function faultResponse(fault: GgFault): Response {
  switch (fault.kind) {
    case "rate-limit":
      return json(
        429,
        { detail: "Request was throttled." },
        { "retry-after": String(fault.retryAfterSeconds) },
      );
    case "unauthorized":
      return unauthorized();
    case "server-error":
      return json(503, { detail: "Service unavailable." });
  }
}

function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

const unauthorized = () => json(401, { detail: "Invalid API key." });
const notFound = () => json(404, { detail: "Not found." });
