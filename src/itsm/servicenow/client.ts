import axios from "axios";
import type { AxiosInstance, AxiosResponse } from "axios";
import type { z } from "zod";
import type { Logger } from "../../logging/logger.js";
import {
  ItsmError,
  classifyNetworkError,
  countingAdapter,
  errorFromStatus,
  pickRetryHeaders,
  withRetry,
} from "../http/index.js";
import type { RequestLimiter, RequestReport } from "../http/index.js";
import type { AuthProvider } from "./auth.js";
import { classifyResponse } from "./errors.js";
import type { HealthTracker } from "./health.js";

export interface SnRequest<T> {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  /** Path under the instance, or an absolute URL on the same instance (a `Link` next page). */
  path: string;
  params?: Record<string, string>;
  data?: unknown;
  contentType?: string;
  /** False for creates: never retried after an ambiguous failure (cases BR-22). */
  idempotent: boolean;
  schema: z.ZodType<T>;
  /** A missing record answers null instead of NOT_FOUND. */
  allowNotFound?: boolean;
}

export interface SnResponse<T> {
  body: T;
  headers: Record<string, string>;
}

export interface SnClientDeps {
  instance: string;
  baseUrl: string;
  auth: AuthProvider;
  limiter: RequestLimiter;
  health: HealthTracker;
  logger: Logger;
  sleep: (ms: number) => Promise<void>;
  now: () => Date;
  maxAttempts?: number;
  /** Told the method and status of every HTTP request (or `error`), for `/metrics`. */
  onRequest?: RequestReport;
}

/**
 * Every HTTP call to one ServiceNow instance: one axios instance (reused, reference §10
 * backstage PR#6385), one limiter, one retry policy, and one place where failures become
 * `ItsmError`s. No cookie jar: a reused session serialises requests and earns 202s (§7).
 */
export class SnClient {
  readonly #http: AxiosInstance;
  readonly #deps: SnClientDeps;

  constructor(deps: SnClientDeps) {
    this.#deps = deps;
    this.#http = axios.create({
      baseURL: deps.baseUrl,
      timeout: 60_000,
      maxRedirects: 0,
      responseType: "text",
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
      headers: { Accept: "application/json" },
      ...(deps.onRequest === undefined
        ? {}
        : { adapter: countingAdapter(deps.onRequest) }),
    });
  }

  async request<T>(req: SnRequest<T>): Promise<SnResponse<T> | null> {
    const path = this.#checkedPath(req.path);
    return withRetry((attempt) => this.#once(req, path, attempt), {
      maxAttempts: this.#deps.maxAttempts ?? 5,
      isIdempotent: req.idempotent,
      sleep: this.#deps.sleep,
      now: this.#deps.now,
      onRetry: (info) =>
        this.#deps.logger.warn("itsm.retry", {
          instance: this.#deps.instance,
          method: req.method,
          path: pathOnly(path),
          ...info,
        }),
    });
  }

  async #once<T>(
    req: SnRequest<T>,
    path: string,
    attempt: number,
  ): Promise<SnResponse<T> | null> {
    const facts = {
      method: req.method,
      path: pathOnly(path),
      idempotent: req.idempotent,
    };
    const started = Date.now();
    let response: AxiosResponse<unknown>;
    try {
      const authorization = await this.#deps.auth.header();
      response = await this.#deps.limiter.schedule(() =>
        this.#http.request({
          method: req.method,
          url: path,
          ...(req.params === undefined ? {} : { params: req.params }),
          ...(req.data === undefined ? {} : { data: req.data }),
          headers: {
            Authorization: authorization,
            ...(req.data === undefined
              ? {}
              : { "Content-Type": req.contentType ?? "application/json" }),
          },
        }),
      );
    } catch (error) {
      if (error instanceof ItsmError) throw error;
      const failure = classifyNetworkError(error, facts);
      this.#deps.health.failed(failure);
      throw failure;
    }

    const headers = flatHeaders(response.headers);
    this.#deps.logger.debug("itsm.request", {
      instance: this.#deps.instance,
      ...facts,
      status: response.status,
      attempt,
      durationMs: Date.now() - started,
    });
    if (response.status === 401) this.#deps.auth.invalidate();
    if (response.status === 404 && req.allowNotFound === true) return null;

    const classified = classifyResponse(
      response.status,
      headers,
      response.data,
      facts,
    );
    if (classified instanceof ItsmError) {
      this.#deps.health.failed(classified);
      throw classified;
    }
    this.#deps.health.ok();

    const parsed = req.schema.safeParse(classified);
    if (!parsed.success) {
      throw new ItsmError(
        "UNEXPECTED_RESPONSE",
        `${facts.method} ${facts.path}: response does not match the expected shape`,
        {
          cause: parsed.error,
          status: response.status,
          details: {
            ...facts,
            issues: parsed.error.issues.map((i) => i.path.join(".")),
          },
          retryHeaders: pickRetryHeaders(headers),
        },
      );
    }
    return { body: parsed.data, headers };
  }

  /** The bytes of a file (an attachment's content); JSON rules do not apply. */
  async downloadBytes(path: string): Promise<Buffer> {
    return withRetry(
      async () => {
        const authorization = await this.#deps.auth.header();
        const response = await this.#deps.limiter.schedule(() =>
          this.#http.get<ArrayBuffer>(path, {
            responseType: "arraybuffer",
            headers: { Authorization: authorization, Accept: "*/*" },
          }),
        );
        if (response.status !== 200) {
          const headers = flatHeaders(response.headers);
          throw errorFromStatus(
            response.status,
            `download answered ${response.status}`,
            {
              retryHeaders: pickRetryHeaders(headers),
              details: { path: pathOnly(path) },
            },
          );
        }
        return Buffer.from(response.data);
      },
      {
        maxAttempts: this.#deps.maxAttempts ?? 5,
        isIdempotent: true,
        sleep: this.#deps.sleep,
        now: this.#deps.now,
      },
    );
  }

  /** A `Link` URL must point at this instance: credentials never go to another host. */
  #checkedPath(path: string): string {
    if (!/^https?:\/\//i.test(path)) return path;
    const base = new URL(this.#deps.baseUrl);
    const target = new URL(path);
    if (target.origin !== base.origin) {
      throw new ItsmError(
        "UNEXPECTED_RESPONSE",
        "pagination link points at another host",
        {
          details: { host: target.host },
        },
      );
    }
    return `${target.pathname}${target.search}`;
  }
}

function flatHeaders(raw: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (typeof value === "string") out[name.toLowerCase()] = value;
    else if (typeof value === "number") out[name.toLowerCase()] = String(value);
    else if (Array.isArray(value)) out[name.toLowerCase()] = value.join(", ");
  }
  return out;
}

function pathOnly(path: string): string {
  return path.split("?")[0] ?? path;
}
