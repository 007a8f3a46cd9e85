import { html } from "../page/html.js";
import { SalesforceFaults } from "./faults.js";
import { handleRevoke, handleToken } from "./oauth.js";
import { invalidSession } from "./responses.js";
import { handleRest } from "./rest.js";
import { SalesforceState, type SalesforceSimSeed } from "./state.js";

export interface SalesforceSimulatorOptions {
  seed: SalesforceSimSeed;
  now?: () => Date;
}

/**
 * A Salesforce org in memory, faithful to `reference/targets.md` §2 where closeloop relies on it.
 * One `handle(Request)` serves msw in tests and the sandbox HTTP server alike.
 */
export class SalesforceSimulator {
  readonly name = "salesforce";
  readonly state: SalesforceState;
  readonly faults = new SalesforceFaults();
  /** Every request seen (method and path, never a body), for tests that count calls. */
  readonly requests: { method: string; path: string }[] = [];
  readonly #now: () => Date;

  constructor(options: SalesforceSimulatorOptions) {
    this.state = new SalesforceState(options.seed);
    this.#now = options.now ?? (() => new Date());
  }

  /** Answers a request, or null when the path is not Salesforce's (another sandbox system's). */
  async handle(request: Request): Promise<Response | null> {
    const url = new URL(request.url);
    const path = url.pathname;
    if (!path.startsWith("/services/")) return null;
    this.requests.push({ method: request.method, path });
    const oauth = {
      state: this.state,
      faults: this.faults,
      origin: url.origin,
      now: this.#now,
    };

    if (path === "/services/oauth2/token" && request.method === "POST") {
      return handleToken(oauth, new URLSearchParams(await request.text()));
    }
    if (path === "/services/oauth2/revoke") {
      const form =
        request.method === "POST"
          ? new URLSearchParams(await request.text())
          : url.searchParams;
      return handleRevoke(oauth, form);
    }

    const api = /^(\/services\/data\/v\d+\.\d)\/?(.*)$/.exec(path);
    if (api === null) return null;
    const bearer = /^Bearer (.+)$/.exec(
      request.headers.get("authorization") ?? "",
    )?.[1];
    const user =
      bearer === undefined ? undefined : this.state.accessTokenUser(bearer);
    if (user === undefined || this.faults.rejectEverySession)
      return invalidSession();
    const rest = {
      state: this.state,
      faults: this.faults,
      apiPath: api[1] ?? "",
    };
    return handleRest(rest, request, (api[2] ?? "").replace(/\/+$/, ""));
  }

  renderSection(): string {
    const rows = [...this.state.users.values()].map((user) => {
      const frozen = this.state.loginOf(user.Id)?.IsFrozen === true;
      const sessions = [...this.state.sessions.values()].filter(
        (s) => s.UsersId === user.Id,
      );
      return html`<tr>
        <td>${user.Username}</td>
        <td>${user.Id}</td>
        <td>${user.IsActive ? "active" : "inactive"}</td>
        <td>${frozen ? "frozen" : "-"}</td>
        <td>${sessions.length}</td>
      </tr>`;
    });
    return html`<section>
      <h2>Salesforce</h2>
      <table>
        <tr>
          <th>user</th>
          <th>Id</th>
          <th>state</th>
          <th>frozen</th>
          <th>sessions</th>
        </tr>
        ${rows}
      </table>
    </section>`.toString();
  }
}
