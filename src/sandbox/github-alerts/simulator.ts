import { http } from "msw";
import type { HttpHandler } from "msw";
import { html } from "../page/html.js";
import { makeAlert } from "./alerts.js";
import type { AlertSeed, RestAlert } from "./alerts.js";
import { badCredentials, faultResponse, json, notFound } from "./faults.js";
import type { SimFault } from "./faults.js";

export interface GithubAlertsSimOptions {
  /** Where the simulated API lives, e.g. `http://127.0.0.1:4610` or a GHES `/api/v3` root. */
  baseUrl: string;
  /** The one token accepted (`Authorization: Bearer …` or `token …`). */
  token: string;
  alerts?: (AlertSeed | RestAlert)[];
  /** Items on page n (1-based) regardless of `per_page`: to serve a short page mid-list. */
  pageSizes?: number[];
  now?: () => Date;
}

/** A request as the simulator saw it: the query, never the Authorization value. */
export interface SeenRequest {
  method: string;
  path: string;
  query: Record<string, string>;
}

export interface GithubAlertsSimulator {
  readonly name: "github-alerts";
  readonly baseUrl: string;
  readonly alerts: RestAlert[];
  readonly requests: SeenRequest[];
  /** Answered, oldest first, by the next requests instead of the real route. */
  readonly faults: SimFault[];
  handle(request: Request): Promise<Response | null>;
  handlers(): HttpHandler[];
  /** Its part of the sandbox page (`startSandboxServer`). */
  renderSection(): string;
}

const MAX_PER_PAGE = 100;

/**
 * The secret scanning alert endpoints of api.github.com (reference §3): repository and
 * organisation lists with `page`/`per_page` and a Link header, `state` and `hide_secret`
 * filters, and one alert by number. The repository list leaves `repository` out of each alert,
 * as the documented repository example does; the organisation list includes it.
 */
export function createGithubAlertsSimulator(
  options: GithubAlertsSimOptions,
): GithubAlertsSimulator {
  const base = options.baseUrl.replace(/\/+$/, "");
  const now = options.now ?? (() => new Date());
  const alerts = (options.alerts ?? []).map((a) =>
    isRestAlert(a) ? a : makeAlert(a, base),
  );
  const requests: SeenRequest[] = [];
  const faults: SimFault[] = [];

  function handle(request: Request): Promise<Response | null> {
    return Promise.resolve(answer(request));
  }

  function answer(request: Request): Response | null {
    if (!request.url.startsWith(`${base}/`)) return null;
    const url = new URL(request.url);
    const path = url.pathname.slice(
      new URL(base).pathname.replace(/\/+$/, "").length,
    );
    requests.push({
      method: request.method,
      path,
      query: Object.fromEntries(url.searchParams),
    });
    const fault = faults.shift();
    if (fault !== undefined) return faultResponse(fault, now());

    const auth = request.headers.get("authorization") ?? "";
    if (auth.replace(/^(bearer|token) /i, "") !== options.token)
      return badCredentials();
    if (request.method !== "GET") return notFound();

    const one =
      /^\/repos\/([^/]+\/[^/]+)\/secret-scanning\/alerts\/(\d+)$/.exec(path);
    if (one !== null) {
      const found = alerts.find(
        (a) => sameRepo(a, one[1] ?? "") && a.number === Number(one[2]),
      );
      if (found === undefined) return notFound();
      return json(200, present(found, url, false));
    }
    const repo = /^\/repos\/([^/]+\/[^/]+)\/secret-scanning\/alerts$/.exec(
      path,
    );
    const org = /^\/orgs\/([^/]+)\/secret-scanning\/alerts$/.exec(path);
    if (repo === null && org === null) return notFound();
    const listed = alerts.filter((a) =>
      repo !== null
        ? sameRepo(a, repo[1] ?? "")
        : a.repository.full_name
            .toLowerCase()
            .startsWith(`${(org?.[1] ?? "").toLowerCase()}/`),
    );
    return listPage(listed, url, org !== null);
  }

  function listPage(all: RestAlert[], url: URL, withRepo: boolean): Response {
    const state = url.searchParams.get("state");
    const matching = state ? all.filter((a) => a.state === state) : all;
    const page = Math.max(1, Number(url.searchParams.get("page") ?? "1"));
    const perPage = Math.min(
      MAX_PER_PAGE,
      Number(url.searchParams.get("per_page") ?? "30"),
    );
    const sizeOf = (n: number) => options.pageSizes?.[n - 1] ?? perPage;
    let start = 0;
    for (let n = 1; n < page; n += 1) start += sizeOf(n);
    const items = matching.slice(start, start + sizeOf(page));
    const links: string[] = [];
    const at = (n: number) => {
      const next = new URL(url);
      next.searchParams.set("page", String(n));
      return next.toString();
    };
    if (page > 1) links.push(`<${at(page - 1)}>; rel="prev"`);
    if (start + items.length < matching.length)
      links.push(`<${at(page + 1)}>; rel="next"`);
    links.push(`<${at(1)}>; rel="first"`);
    return json(
      200,
      items.map((a) => present(a, url, withRepo)),
      { link: links.join(", ") },
    );
  }

  const handlers = (): HttpHandler[] => [
    http.all(
      `${base}/*`,
      async ({ request }) => (await handle(request)) ?? notFound(),
    ),
  ];
  const renderSection = (): string =>
    html`<section>
      <h2>GitHub secret scanning alerts (simulated)</h2>
      <table>
        <tr>
          <th>alert</th>
          <th>state</th>
          <th>type</th>
        </tr>
        ${alerts.map(
          (a) =>
            html`<tr>
              <td>${a.repository.full_name}#${a.number}</td>
              <td>${a.state}</td>
              <td>${String(a.secret_type)}</td>
            </tr>`,
        )}
      </table>
    </section>`.toString();
  return {
    name: "github-alerts",
    baseUrl: base,
    alerts,
    requests,
    faults,
    handle,
    handlers,
    renderSection,
  };
}

function present(alert: RestAlert, url: URL, withRepo: boolean): RestAlert {
  const out: Record<string, unknown> = { ...alert };
  if (url.searchParams.get("hide_secret") === "true") delete out.secret;
  if (!withRepo) delete out.repository;
  return out as RestAlert;
}

function sameRepo(alert: RestAlert, fullName: string): boolean {
  return alert.repository.full_name.toLowerCase() === fullName.toLowerCase();
}

function isRestAlert(alert: AlertSeed | RestAlert): alert is RestAlert {
  return "html_url" in alert;
}
