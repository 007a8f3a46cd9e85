import { AttachmentTable } from "./routes-attachment.js";
import { handleTable } from "./routes-table.js";
import type { RouteContext } from "./routes-table.js";
import {
  errorResponse,
  hibernationPage,
  invalidResource,
  unauthenticated,
} from "./responses.js";
import { DEFAULT_SANDBOX_PASSWORD, defaultUsers, seed } from "./seed.js";
import { DEFAULT_APPROVAL_POLICY } from "./approval-rules.js";
import type { ApprovalPolicy, GroupRule } from "./approval-rules.js";
import { decide } from "./state-model.js";
import type { Decision } from "./state-model.js";
import { SimulatorFaults } from "./faults.js";
import { SnStore } from "./store.js";
import { renderServiceNowSection, decisionRoute } from "./page.js";

export interface ServiceNowSimulatorOptions {
  /** The instance URL for links and pagination headers; default: the request's origin. */
  baseUrl?: string;
  /** Password of every seeded user (sandbox only). */
  password?: string;
  now?: () => Date;
  /** Requests per user per window before 429s with rate-limit headers (reference §7). */
  rateLimit?: { limit: number; windowMs: number };
  /** Metadata reads an attachment stays `pending` for (default 1). */
  attachmentReadyAfterReads?: number;
  /**
   * Milliseconds an attachment stays `pending` after its upload, by `now` (default 0, so the
   * demo does not wait). With both set, the scan ends once the reads and the time have passed.
   */
  attachmentScanMs?: number;
  /** How a group approval settles: the first approval (default) or every member's. */
  approvalRule?: GroupRule;
  /** Ask the change's assignment group at Assess; default off, as the policy skips them. */
  technicalApprovals?: boolean;
}

const RATE_RULE_ID = "5ad35e2a7f1220103c5e9d5a4c3e0b6f";

/**
 * A ServiceNow instance in memory, faithful to `reference/servicenow.md` where closeloop relies on
 * it. One `handle(Request)` serves msw in tests and the sandbox HTTP server alike.
 */
export class ServiceNowSimulator {
  readonly name = "servicenow";
  readonly store: SnStore;
  readonly faults = new SimulatorFaults();
  readonly attachments: AttachmentTable;
  /** Every API request seen, for tests that count calls. */
  readonly requests: { method: string; path: string; search: string }[] = [];
  readonly #baseUrl: string | undefined;
  readonly #passwords: Map<string, string>;
  readonly #rateLimit: { limit: number; windowMs: number } | undefined;
  readonly #hidden = new Map<string, number>();
  readonly #policy: ApprovalPolicy;
  #window = { start: 0, counts: new Map<string, number>() };

  constructor(options: ServiceNowSimulatorOptions = {}) {
    this.#baseUrl = options.baseUrl?.replace(/\/+$/, "");
    this.store = new SnStore(options.now ?? (() => new Date()));
    this.#passwords = seed(
      this.store,
      defaultUsers(options.password ?? DEFAULT_SANDBOX_PASSWORD),
    );
    this.#rateLimit = options.rateLimit;
    this.#policy = {
      groupRule: options.approvalRule ?? DEFAULT_APPROVAL_POLICY.groupRule,
      technicalApprovals:
        options.technicalApprovals ??
        DEFAULT_APPROVAL_POLICY.technicalApprovals,
    };
    this.attachments = new AttachmentTable(
      {
        readyAfterReads: options.attachmentReadyAfterReads ?? 1,
        scanMs: options.attachmentScanMs ?? 0,
      },
      () => this.store.now(),
    );
  }

  /** An approver (a CAB member) approves or rejects, as through the approval UI. */
  decide(
    changeId: string,
    approver: string,
    decision: Decision,
    comments = "",
  ) {
    return decide(
      this.store,
      changeId,
      approver,
      decision,
      comments,
      this.#policy,
    );
  }

  renderSection(): string {
    return renderServiceNowSection(this.store);
  }

  /** Answers a request, or null when the path is not ServiceNow's (another sandbox system's). */
  async handle(request: Request): Promise<Response | null> {
    const url = new URL(request.url);
    const path = url.pathname;
    if (path.startsWith("/sandbox/servicenow/")) {
      return decisionRoute(request, path, (id, who, what, comments) =>
        this.decide(id, who, what, comments),
      );
    }
    if (!path.startsWith("/api/now/")) return null;
    if (this.faults.hibernating) return hibernationPage();
    this.requests.push({ method: request.method, path, search: url.search });

    const forced = this.faults.takeForced429();
    if (forced !== undefined) return tooMany(forced);
    const failure = this.faults.takeRequestFault(request, url);
    if (failure !== null) {
      return errorResponse(failure, "Internal Server Error", "injected fault");
    }

    const user = this.#authenticate(request);
    if (user === null) return unauthenticated();
    const limited = this.#checkRate(user);
    if (limited !== null) return limited;

    const response = await this.#route(request, url, user);
    return response === "drop" ? Response.error() : response;
  }

  async #route(
    request: Request,
    url: URL,
    user: string,
  ): Promise<Response | "drop"> {
    const parts = url.pathname.split("/").filter((p) => p !== "");
    // /api/now[/v2]/table/{table}[/{sys_id}] — pinning a version is allowed (reference §1).
    const rest =
      parts[2] === "v1" || parts[2] === "v2" ? parts.slice(3) : parts.slice(2);
    const [kind, ...tail] = rest;
    const ctx: RouteContext = {
      store: this.store,
      user,
      baseUrl: this.#baseUrl ?? url.origin,
      hidden: this.#hidden,
      swallowStatePatch: () => this.faults.takeSwallowStatePatch(),
      dropAfterCreate: () => this.#dropAfterCreate(),
      policy: this.#policy,
    };

    if (kind === "table" && tail[0] !== undefined && tail.length <= 2) {
      return handleTable(request, url, tail[0], tail[1], ctx);
    }
    if (kind === "attachment") {
      return this.attachments.handle(request, url, tail, ctx);
    }
    return invalidResource();
  }

  #dropAfterCreate(): boolean {
    const drop = this.faults.takeDropCreate();
    if (drop === null) return false;
    const newest = this.store.rows("change_request").at(-1);
    if (newest?.sys_id !== undefined && drop.hiddenForQueries > 0) {
      this.#hidden.set(newest.sys_id, drop.hiddenForQueries);
    }
    return true;
  }

  #authenticate(request: Request): string | null {
    const header = request.headers.get("authorization") ?? "";
    if (!header.startsWith("Basic ")) return null;
    const decoded = Buffer.from(header.slice(6), "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) return null;
    const user = decoded.slice(0, colon);
    const known = this.#passwords.get(user);
    return known !== undefined && known === decoded.slice(colon + 1)
      ? user
      : null;
  }

  #checkRate(user: string): Response | null {
    if (this.#rateLimit === undefined) return null;
    const { limit, windowMs } = this.#rateLimit;
    const now = this.store.now().getTime();
    if (now - this.#window.start >= windowMs) {
      this.#window = { start: now, counts: new Map() };
    }
    const count = (this.#window.counts.get(user) ?? 0) + 1;
    this.#window.counts.set(user, count);
    if (count <= limit) return null;

    const resetMs = this.#window.start + windowMs;
    return tooMany(
      {
        retryAfter: String(Math.max(0, Math.ceil((resetMs - now) / 1000))),
        reset: String(Math.ceil(resetMs / 1000)),
      },
      limit,
    );
  }
}

function tooMany(
  forced: { retryAfter?: string; reset?: string },
  limit = 100,
): Response {
  const headers: Record<string, string> = {};
  if (forced.retryAfter !== undefined)
    headers["Retry-After"] = forced.retryAfter;
  if (forced.reset !== undefined) {
    headers["X-RateLimit-Limit"] = String(limit);
    headers["X-RateLimit-Reset"] = forced.reset;
    headers["X-RateLimit-Rule"] = RATE_RULE_ID;
  }
  return errorResponse(
    429,
    "Rate limit exceeded",
    `Rate limit of ${limit} requests per hour for Table API exceeded`,
    headers,
  );
}
