import { jiraError } from "./render.js";
import type { Deployment } from "./render.js";
import { defaultWorkflow, hopWorkflow, sandboxUsers } from "./model.js";
import type { SimIssue, SimProject, SimUser } from "./model.js";
import { issueRoutes } from "./routes-issue.js";
import { notOnDataCenter, otherRoutes } from "./routes-other.js";
import { jsmRoutes } from "./routes-jsm.js";
import { remoteLinkRoutes } from "./routes-remotelink.js";
import { renderJiraSection } from "./page.js";
import { applyMove } from "./move.js";
import type { MoveOptions } from "./move.js";
import { RateWindows, withHeaders } from "./rate-limit.js";
import type { JiraRateLimit } from "./rate-limit.js";
import type { SandboxSystem } from "../server.js";
import type { Route, RouteContext } from "./route.js";

export interface JiraSimulatorOptions {
  projects?: SimProject[];
  /** Accepted `Authorization` header values; empty accepts any credential. */
  credentials?: string[];
  uploadLimit?: number;
  /** How many searches must pass before a new issue is visible to search (index lag). */
  searchLag?: number;
  /** The most issues one search page holds, whatever the client asks for. */
  maxPageSize?: number;
  /** Cloud (REST v3 and v2, token-paged search) or Data Center (REST v2 only, `startAt`). */
  deployment?: Deployment;
  /** Answers 429 beyond `limit` requests per window (reference/jira.md §5.1); off by default. */
  rateLimit?: JiraRateLimit;
  now?: () => number;
}

/** A scripted answer to the next matching request (429s, lost responses, outages). */
export interface JiraFault {
  method?: string;
  path: RegExp;
  /** `drop-after` processes the request, then the connection dies (BR-22). */
  respond:
    | "drop"
    | "drop-after"
    | { status: number; headers?: Record<string, string>; body?: unknown };
  times?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  json: unknown;
}

/**
 * A Jira Cloud (v3) and Data Center (v2) simulator for tests and `closeloop sandbox`: workflows,
 * JSM approvals, ADF validation against its schema, attachments behind the XSRF check, issue
 * properties, token-paged search (`startAt` on Data Center), moves with their webhook, deletes
 * and an optional rate limit, in the error shapes of reference/jira.md.
 */
export class JiraSimulator implements SandboxSystem {
  readonly name = "jira";
  readonly projects: SimProject[];
  readonly users: SimUser[] = sandboxUsers;
  readonly own: SimUser;
  readonly issues = new Map<string, SimIssue>();
  /** Every key an issue has had, to its id: an old key still answers (reference §2.8). */
  readonly keys = new Map<string, string>();
  readonly requests: RecordedRequest[] = [];
  /** Webhook deliveries the simulator's own changes caused (moves), oldest first. */
  readonly webhooks: Record<string, unknown>[] = [];
  readonly uploadLimit: number;
  searchLag: number;
  searchCount = 0;
  readonly maxPageSize: number;
  readonly deployment: Deployment;
  readonly now: () => number;
  private readonly credentials: string[];
  private readonly faults: JiraFault[] = [];
  private rate: RateWindows | undefined;
  private nextId = 10000;
  private readonly routes: Route[] = [
    ...issueRoutes,
    ...otherRoutes,
    ...jsmRoutes,
    ...remoteLinkRoutes,
  ];

  constructor(options: JiraSimulatorOptions = {}) {
    this.projects = options.projects ?? [
      {
        id: "10100",
        key: "SEC",
        name: "Security",
        workflow: hopWorkflow,
        serviceDesk: true,
      },
      {
        id: "10200",
        key: "OPS",
        name: "Operations",
        workflow: defaultWorkflow,
        serviceDesk: false,
      },
      {
        id: "10300",
        key: "TASK",
        name: "Tasks",
        workflow: defaultWorkflow,
        serviceDesk: false,
      },
    ];
    this.own = sandboxUsers[0]!;
    this.credentials = options.credentials ?? [];
    this.uploadLimit = options.uploadLimit ?? 10_485_760;
    this.searchLag = options.searchLag ?? 0;
    this.maxPageSize = options.maxPageSize ?? 5000;
    this.now = options.now ?? Date.now;
    this.deployment = options.deployment ?? "cloud";
    this.setRateLimit(options.rateLimit);
  }

  /** Replaces the rate limit (undefined: none) and starts every window afresh. */
  setRateLimit(rateLimit: JiraRateLimit | undefined): void {
    this.rate =
      rateLimit === undefined
        ? undefined
        : new RateWindows(rateLimit, this.now);
  }

  newId(): string {
    this.nextId += 1;
    return String(this.nextId);
  }

  inject(fault: JiraFault): void {
    this.faults.push({ times: 1, ...fault });
  }

  findIssue(idOrKey: string): SimIssue | undefined {
    const id = this.keys.get(idOrKey.toUpperCase()) ?? idOrKey;
    return this.issues.get(id);
  }

  project(key: string): SimProject | undefined {
    return this.projects.find((p) => p.key === key || p.id === key);
  }

  userByName(name: string): SimUser | undefined {
    return this.users.find((u) => u.name === name || u.accountId === name);
  }

  /**
   * Moves an issue to another project: a new key, the same id, the target's workflow (BR-16).
   * The `jira:issue_updated` delivery the move causes is queued on `webhooks`.
   */
  moveIssue(
    idOrKey: string,
    projectKey: string,
    options: MoveOptions = {},
  ): SimIssue {
    const issue = this.findIssue(idOrKey);
    const target = this.project(projectKey);
    const source = issue && this.project(issue.projectKey);
    if (issue === undefined || source === undefined || target === undefined)
      throw new Error("no such issue or project");
    const count = [...this.issues.values()].filter(
      (i) => i.projectKey === target.key,
    ).length;
    const delivery = applyMove(
      issue,
      source,
      target,
      `${target.key}-${count + 1}`,
      this.now(),
      {
        ...options,
        by: options.by ?? this.users.find((u) => u !== this.own) ?? this.own,
        base: options.base ?? "https://sandbox.atlassian.net",
      },
    );
    this.keys.set(issue.key, issue.id);
    this.webhooks.push(delivery);
    return issue;
  }

  deleteIssue(idOrKey: string): void {
    const issue = this.findIssue(idOrKey);
    if (issue !== undefined) this.issues.delete(issue.id);
  }

  /** An approver answers an approval, as JSM's portal would; closeloop's account never can. */
  decideApproval(
    idOrKey: string,
    approverName: string,
    decision: "approve" | "decline",
  ): string | null {
    const issue = this.findIssue(idOrKey);
    const approval = issue?.approvals.find(
      (a) => a.finalDecision === "pending",
    );
    const slot = approval?.approvers.find((a) => a.user.name === approverName);
    if (issue === undefined || approval === undefined || slot === undefined) {
      return "This user is not an approver of a pending approval on this issue.";
    }
    slot.decision = decision === "approve" ? "approved" : "declined";
    approval.finalDecision = slot.decision;
    approval.completedAt = this.now();
    issue.updated = this.now();
    return null;
  }

  async handle(request: Request): Promise<Response | null> {
    const url = new URL(request.url);
    const path = url.pathname.replace(/^\/ex\/jira\/[^/]+/, "");
    const route = this.routes.find(
      (r) => r.method === request.method && r.pattern.test(path),
    );
    if (route === undefined) return null;

    const json = await readJson(request);
    this.requests.push({
      method: request.method,
      path: path + url.search,
      headers: Object.fromEntries(request.headers.entries()),
      json,
    });

    const fault = this.takeFault(request.method, path);
    if (fault !== undefined && fault.respond === "drop")
      return Response.error();
    if (fault !== undefined && typeof fault.respond === "object") {
      const { status, headers = {}, body } = fault.respond;
      return new Response(
        body === undefined || typeof body === "string"
          ? (body ?? null)
          : JSON.stringify(body),
        {
          status,
          headers,
        },
      );
    }

    const denied = this.authenticate(request, path);
    if (denied !== null) return denied;
    if (this.deployment === "datacenter" && path.startsWith("/rest/api/3/"))
      return notOnDataCenter();
    const rate = this.countRate(request.method, path, route);
    if (rate?.limited === true) return rate.response;

    const match = route.pattern.exec(path)!;
    const context: RouteContext = {
      sim: this,
      request,
      url,
      match,
      json,
      base: url.origin,
    };
    const response = await route.handle(context);
    if (fault?.respond === "drop-after") return Response.error();
    return rate === null ? response : withHeaders(response, rate.headers);
  }

  renderSection(): string {
    return renderJiraSection(this);
  }

  private takeFault(method: string, path: string): JiraFault | undefined {
    const fault = this.faults.find(
      (f) =>
        (f.method === undefined || f.method === method) && f.path.test(path),
    );
    if (fault === undefined) return undefined;
    fault.times = (fault.times ?? 1) - 1;
    if (fault.times <= 0) this.faults.splice(this.faults.indexOf(fault), 1);
    return fault;
  }

  private countRate(method: string, path: string, route: Route) {
    if (this.rate === undefined || path.startsWith("/sandbox/")) return null;
    const issue = /\/issue\/([^/]+)/.exec(path)?.[1];
    const issueId =
      method === "GET" || issue === undefined
        ? undefined
        : (this.findIssue(decodeURIComponent(issue))?.id ?? issue);
    return this.rate.count(`${method} ${route.pattern.source}`, issueId);
  }

  private authenticate(request: Request, path: string): Response | null {
    if (path.startsWith("/sandbox/")) return null;
    const given = request.headers.get("authorization");
    const accepted =
      given !== null &&
      (this.credentials.length === 0 || this.credentials.includes(given));
    if (accepted) return null;
    // A failed login on Jira still serves anonymous-capable endpoints: 200 and no data, flagged
    // only by this header (reference/jira.md §2.8).
    const seraph = { "x-seraph-loginreason": "AUTHENTICATED_FAILED" };
    if (path.includes("/search")) {
      return new Response(JSON.stringify({ issues: [], isLast: true }), {
        status: 200,
        headers: { "content-type": "application/json", ...seraph },
      });
    }
    return jiraError(401, ["You are not authenticated."], {}, seraph);
  }
}

async function readJson(request: Request): Promise<unknown> {
  const type = request.headers.get("content-type") ?? "";
  if (!type.includes("application/json")) return undefined;
  try {
    const value: unknown = await request.clone().json();
    return value;
  } catch {
    return undefined;
  }
}
