import axios, { AxiosError } from "axios";
import type {
  AxiosAdapter,
  AxiosResponse,
  InternalAxiosRequestConfig,
} from "axios";
import { Version2Client, Version3Client } from "jira.js";
import type { Config } from "jira.js";
import type { ZodType } from "zod";
import { resolveSecretRef } from "../../config/secret-ref.js";
import type { Logger } from "../../logging/logger.js";
import {
  ItsmError,
  countingAdapter,
  createRequestLimiter,
  withRetry,
} from "../http/index.js";
import type { RequestLimiter, RequestReport } from "../http/index.js";
import type { JiraInstanceConfig } from "./config.js";
import { isFailedLogin, mapJiraFailure, plainHeaders } from "./errors.js";

export interface JiraClientDeps {
  logger: Logger;
  env: NodeJS.ProcessEnv;
  sleep: (ms: number) => Promise<void>;
  now: () => Date;
  /** Told the method and status of every HTTP request (or `error`), for `/metrics`. */
  onRequest?: RequestReport;
}

export interface JiraCall {
  method: "GET" | "POST" | "PUT";
  /** Under the REST root (`issue/10001/transitions`); a path starting `/rest/` is kept. */
  path: string;
  params?: Record<string, string | number>;
  data?: unknown;
  headers?: Record<string, string>;
  /** False for creates, comments, uploads and transitions: never retried blindly (BR-22). */
  idempotent: boolean;
}

const MAX_ATTEMPTS = 5;

/**
 * jira.js carries authentication (basic, bearer, the API gateway for scoped tokens) and multipart
 * uploads; every call goes through one limiter and one retry policy, and every failure is typed
 * once by `mapJiraFailure`.
 */
export class JiraClient {
  readonly version: "2" | "3";
  private readonly jira: Version2Client | Version3Client;
  private readonly limiter: RequestLimiter;

  constructor(
    private readonly config: JiraInstanceConfig,
    private readonly deps: JiraClientDeps,
  ) {
    this.version = config.deployment === "cloud" ? "3" : "2";
    const jiraConfig = buildJiraConfig(
      config,
      deps.env,
      deps.onRequest ?? (() => undefined),
    );
    this.jira =
      this.version === "3"
        ? new Version3Client(jiraConfig)
        : new Version2Client(jiraConfig);
    this.limiter = createRequestLimiter({
      ratePerSecond: config.ratePerSecond,
    });
  }

  restPath(path: string): string {
    return path.startsWith("/rest/")
      ? path
      : `/rest/api/${this.version}/${path}`;
  }

  async json<T>(call: JiraCall, schema: ZodType<T>): Promise<T> {
    const response = await this.send(call, "json");
    const parsed = schema.safeParse(response.data);
    if (parsed.success) return parsed.data;
    throw new ItsmError(
      "UNEXPECTED_RESPONSE",
      `${call.method} ${call.path}: unexpected answer`,
      {
        status: response.status,
        details: { issues: parsed.error.issues.map((i) => i.path.join(".")) },
      },
    );
  }

  async send(
    call: JiraCall,
    type: "json" | "arraybuffer" = "json",
  ): Promise<AxiosResponse> {
    const url = this.restPath(call.path);
    const facts = {
      method: call.method,
      path: url,
      idempotent: call.idempotent,
    };
    return withRetry(
      () =>
        this.limiter.schedule(async () => {
          try {
            return await this.jira.sendRequestFullResponse<unknown>({
              method: call.method,
              url,
              ...(call.params === undefined ? {} : { params: call.params }),
              ...(call.data === undefined ? {} : { data: call.data }),
              ...(call.headers === undefined ? {} : { headers: call.headers }),
              responseType: type,
            });
          } catch (error) {
            throw mapJiraFailure(error, facts);
          }
        }),
      {
        maxAttempts: MAX_ATTEMPTS,
        sleep: this.deps.sleep,
        now: this.deps.now,
        isIdempotent: call.idempotent,
        onRetry: (info) =>
          this.deps.logger.debug("itsm.retry", {
            instance: this.config.id,
            ...info,
          }),
      },
    );
  }

  /** Multipart upload through jira.js: part `file`, `X-Atlassian-Token: no-check` (BR-14). */
  async upload(
    issueId: string,
    fileName: string,
    contentType: string,
    bytes: Buffer,
  ): Promise<unknown> {
    const facts = {
      method: "POST",
      path: this.restPath(`issue/${issueId}/attachments`),
      idempotent: false,
    };
    return withRetry(
      () =>
        this.limiter.schedule(async () => {
          try {
            return await this.jira.issueAttachments.addAttachment<unknown>({
              issueIdOrKey: issueId,
              attachment: {
                filename: fileName,
                file: bytes,
                mimeType: contentType,
              },
            });
          } catch (error) {
            throw mapJiraFailure(error, facts);
          }
        }),
      {
        maxAttempts: MAX_ATTEMPTS,
        sleep: this.deps.sleep,
        now: this.deps.now,
        isIdempotent: false,
      },
    );
  }
}

function buildJiraConfig(
  config: JiraInstanceConfig,
  env: NodeJS.ProcessEnv,
  onRequest: RequestReport,
): Config {
  const where = `itsm.${config.id}.auth`;
  const baseRequestConfig = {
    // Counted outside the guard: a failed login counts as the 401 it is.
    adapter: countingAdapter(onRequest, failedLoginGuard()),
    timeout: 30_000,
  };
  if (config.auth.type === "basic") {
    const token = resolveSecretRef(
      config.auth.apiToken,
      `${where}.apiToken`,
      env,
    );
    return {
      host: gatewayHost(config, undefined),
      authentication: {
        basic: { email: config.auth.email, apiToken: token.reveal() },
      },
      baseRequestConfig,
    };
  }
  const token = resolveSecretRef(config.auth.token, `${where}.token`, env);
  // A bearer with a fixed host: jira.js then sends it as is and resolves nothing itself.
  return {
    host: gatewayHost(config, config.auth.cloudId),
    authentication: { oauth2: { accessToken: token.reveal() } },
    baseRequestConfig,
  };
}

/** OAuth and scoped tokens only work through the API gateway (reference/jira.md §6). */
function gatewayHost(
  config: JiraInstanceConfig,
  cloudId: string | undefined,
): string {
  if (cloudId === undefined) return config.baseUrl.replace(/\/+$/, "");
  return `https://api.atlassian.com/ex/jira/${encodeURIComponent(cloudId)}`;
}

/**
 * Wraps axios's own adapter so that a 200 flagged by `X-Seraph-LoginReason` fails like a 401,
 * before jira.js hands anyone its anonymous, empty data (reference/jira.md §2.8). Every request,
 * uploads included, passes here.
 */
function failedLoginGuard(): AxiosAdapter {
  const base = axios.getAdapter(axios.defaults.adapter);
  return async (request: InternalAxiosRequestConfig) => {
    const response = await base(request);
    const failedLogin = isFailedLogin(plainHeaders(response.headers));
    if (!failedLogin) return response;
    throw new AxiosError(
      "Jira reported a failed login",
      AxiosError.ERR_BAD_RESPONSE,
      request,
      response.request,
      { ...response, status: 401 },
    );
  };
}
