import { http } from "msw";
import type { HttpHandler } from "msw";
import {
  createGithubSimState,
  revokeSimToken,
  type GithubSimSeed,
  type GithubSimState,
} from "./state.js";
import { html } from "../page/html.js";

export interface GithubSimulator {
  name: string;
  state: GithubSimState;
  baseUrl: string;
  /** Answers one request, or null when it is not addressed to this simulator. */
  handle(request: Request): Promise<Response | null>;
  handlers(): HttpHandler[];
  renderSection(): string;
}

const DOCS = "https://docs.github.com/rest";

function json(status: number, body: unknown): Response {
  return new Response(body === null ? null : JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8" },
  });
}

// Body as api.github.com sends it for a dead token (fixture rest_401_bad_credentials.json).
const badCredentials = () =>
  json(401, {
    message: "Bad credentials",
    documentation_url: DOCS,
    status: "401",
  });
const notFound = () =>
  json(404, { message: "Not Found", documentation_url: DOCS });

/**
 * A simulated api.github.com for the calls closeloop makes (targets.md §4): anonymous credential
 * revocation, the `/user` probe, deploy keys and secret-scanning alerts.
 */
export function createGithubSimulator(options: {
  baseUrl: string;
  seed?: GithubSimSeed;
  /** Token that authenticates the connector's own (admin) calls. */
  adminToken: string;
}): GithubSimulator {
  const state = createGithubSimState(options.seed);
  const base = options.baseUrl.replace(/\/$/, "");

  async function handle(request: Request): Promise<Response | null> {
    // Paths, not hosts: served over HTTP the port is known only once the server listens.
    const basePath = new URL(base).pathname.replace(/\/$/, "");
    const fullPath = new URL(request.url).pathname;
    if (!fullPath.startsWith(`${basePath}/`)) return null;
    const path = fullPath.slice(basePath.length);
    const route = `${request.method} ${path.replace(/\/$/, "")}`;
    state.calls.push(route.replace(/\/\d+$/, "/{id}"));
    const auth = (request.headers.get("authorization") ?? "").replace(
      /^(token|bearer) /i,
      "",
    );

    if (route === "POST /credentials/revoke") {
      // Any authenticated call is refused: the endpoint is anonymous (targets.md §4.2).
      if (auth !== "")
        return json(403, {
          message: "Must not be authenticated",
          documentation_url: DOCS,
        });
      const body = (await request.json()) as { credentials?: unknown };
      if (!Array.isArray(body.credentials))
        return json(422, {
          message: "Validation Failed",
          documentation_url: DOCS,
        });
      for (const value of body.credentials)
        if (typeof value === "string") revokeSimToken(state, value);
      return json(202, null);
    }

    const caller = state.tokens.get(auth);
    if (route === "GET /user" || route === "GET /installation/repositories") {
      const ok =
        caller?.active === true &&
        caller.installation === route.includes("installation");
      if (!ok) return badCredentials();
      return route === "GET /user"
        ? json(200, { login: caller.login, id: 1, type: "User" })
        : json(200, { total_count: 0, repositories: [] });
    }
    if (route === "DELETE /installation/token") {
      if (caller?.active !== true) return badCredentials();
      revokeSimToken(state, auth);
      return json(204, null);
    }

    if (auth !== options.adminToken) return badCredentials();
    return adminRoute(state, request, path);
  }

  const handlers = (): HttpHandler[] => [
    http.all(
      `${base}/*`,
      async ({ request }) => (await handle(request)) ?? notFound(),
    ),
  ];
  const renderSection = (): string => {
    const rows = [...state.alerts.entries()].map(
      ([id, alert]) =>
        html`<tr>
          <td>${id}</td>
          <td>${alert.state}</td>
          <td>${alert.validity}</td>
        </tr>`,
    );
    return html`<section>
      <h2>GitHub (simulated)</h2>
      <table>
        <tr>
          <th>alert</th>
          <th>state</th>
          <th>validity</th>
        </tr>
        ${rows}
      </table>
    </section>`.value;
  };
  return {
    name: "github",
    state,
    baseUrl: base,
    handle,
    handlers,
    renderSection,
  };
}

async function adminRoute(
  state: GithubSimState,
  request: Request,
  path: string,
): Promise<Response> {
  const key = /^\/repos\/([^/]+\/[^/]+)\/keys\/(\d+)$/.exec(path);
  if (key !== null) {
    const keys = state.deployKeys.get(key[1] ?? "");
    const found = keys?.get(Number(key[2]));
    if (found === undefined || keys === undefined) return notFound();
    if (request.method === "GET") return json(200, found);
    if (request.method === "DELETE") {
      keys.delete(found.id);
      return json(204, null);
    }
  }

  const alert =
    /^\/repos\/([^/]+\/[^/]+)\/secret-scanning\/alerts\/(\d+)$/.exec(path);
  if (alert !== null) {
    const found = state.alerts.get(`${alert[1] ?? ""}#${alert[2] ?? ""}`);
    if (found === undefined) return notFound();
    if (request.method === "GET") return json(200, found);
    if (request.method === "PATCH") {
      const body = (await request.json()) as {
        state?: string;
        resolution?: string;
        resolution_comment?: string;
      };
      if (
        body.state === found.state &&
        (body.resolution ?? null) === found.resolution
      ) {
        return json(400, {
          message: "The resolution was not changed",
          documentation_url: DOCS,
        });
      }
      found.state = body.state === "resolved" ? "resolved" : "open";
      found.resolution =
        found.state === "resolved" ? (body.resolution ?? null) : null;
      found.resolution_comment =
        body.resolution_comment ?? found.resolution_comment;
      found.resolved_at =
        found.state === "resolved" ? new Date().toISOString() : null;
      return json(200, found);
    }
  }
  return notFound();
}
