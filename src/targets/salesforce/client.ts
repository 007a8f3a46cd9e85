import { Connection } from "jsforce";
import type { z } from "zod";
import type { Logger } from "../../logging/logger.js";
import { requestAdminSession, type AdminSession } from "./auth.js";
import {
  apiFailureOf,
  SalesforceTargetError,
  toSalesforceError,
} from "./errors.js";
import type { SalesforceTargetConfig } from "./schema.js";

export interface AdminClientDeps {
  env: NodeJS.ProcessEnv;
  now: () => Date;
  logger: Logger;
}

type Method = "GET" | "POST" | "PATCH" | "DELETE";

// jsforce retries 5xx/420 itself with real timers; the engine's retry boundary decides instead.
const NO_RETRY = { retry: { maxRetries: 0, statusCodes: [], errorCodes: [] } };

/**
 * The connector's REST access to the org, through jsforce. jsforce re-logs in on every 401 and
 * recurses without a bound (§2.4), so the refresh function here counts: after
 * `maxSessionRefreshes` re-logins without a successful call in between, it fails instead.
 */
export class SalesforceAdminClient {
  readonly #config: SalesforceTargetConfig;
  readonly #deps: AdminClientDeps;
  #connection: Promise<Connection> | null = null;
  #session: AdminSession | null = null;
  #refreshesInARow = 0;

  constructor(config: SalesforceTargetConfig, deps: AdminClientDeps) {
    this.#config = config;
    this.#deps = deps;
  }

  /** The connector's own user Id, when the token endpoint said it. */
  async adminUserId(): Promise<string | null> {
    await this.#connect();
    return this.#session?.userId ?? null;
  }

  async query<T>(soql: string, schema: z.ZodType<T>): Promise<T[]> {
    const body = await this.#call(
      "GET",
      `/query?q=${encodeURIComponent(soql)}`,
    );
    const records = (body as { records?: unknown } | undefined)?.records;
    if (!Array.isArray(records)) {
      throw new SalesforceTargetError(
        "SALESFORCE_UNEXPECTED_RESPONSE",
        `target ${this.#config.id}: a query answered without records`,
        { details: { operation: "query" } },
      );
    }
    return records.map((record) => schema.parse(record));
  }

  async patch(sobject: string, id: string, fields: object): Promise<void> {
    await this.#call("PATCH", `/sobjects/${sobject}/${id}`, fields);
  }

  async create(sobject: string, fields: object): Promise<string> {
    const body = await this.#call("POST", `/sobjects/${sobject}`, fields);
    const id = (body as { id?: unknown } | undefined)?.id;
    return typeof id === "string" ? id : "";
  }

  /** Deletes a record; `false` when it was already gone (404 `NOT_FOUND`). */
  async remove(sobject: string, id: string): Promise<boolean> {
    try {
      await this.#call("DELETE", `/sobjects/${sobject}/${id}`);
      return true;
    } catch (error) {
      const code = (error as SalesforceTargetError).details?.errorCode;
      if (code === "NOT_FOUND" || code === "ENTITY_IS_DELETED") return false;
      throw error;
    }
  }

  async #call(method: Method, url: string, json?: object): Promise<unknown> {
    const connection = await this.#connect();
    const operation = `${method} ${url.split("?")[0] ?? url}`;
    try {
      const body: unknown = await connection.request(
        {
          method,
          url,
          ...(json === undefined
            ? {}
            : {
                body: JSON.stringify(json),
                headers: { "Content-Type": "application/json" },
              }),
        },
        NO_RETRY,
      );
      this.#refreshesInARow = 0;
      return body;
    } catch (error) {
      throw this.#classify(error, operation);
    }
  }

  #classify(error: unknown, operation: string): SalesforceTargetError {
    if (error instanceof SalesforceTargetError) return error;
    const message = apiFailureOf(error).message;
    if (!message.startsWith("Unable to refresh session")) {
      return toSalesforceError(error, operation, this.#config.id);
    }
    // The refresh delegate wraps our own error in a plain Error; keep ours as the cause.
    this.#connection = null;
    return new SalesforceTargetError(
      "SALESFORCE_SESSION_UNREFRESHABLE",
      `target ${this.#config.id}: ${operation} kept answering 401 after ` +
        `${this.#config.maxSessionRefreshes} re-login(s); stopped instead of looping`,
      {
        cause: error,
        details: {
          operation,
          maxSessionRefreshes: this.#config.maxSessionRefreshes,
        },
      },
    );
  }

  #connect(): Promise<Connection> {
    if (this.#connection !== null) return this.#connection;
    const pending = this.#login().catch((error: unknown) => {
      this.#connection = null;
      throw error;
    });
    this.#connection = pending;
    return pending;
  }

  async #login(): Promise<Connection> {
    const session = await requestAdminSession(
      this.#config,
      this.#deps.env,
      this.#deps.now,
    );
    this.#session = session;
    this.#deps.logger.debug("salesforce.session.opened", {
      target: this.#config.id,
      instanceUrl: session.instanceUrl,
    });
    // No oauth2 client id here: jsforce would then install its own unbounded refresh (§2.4).
    return new Connection({
      instanceUrl: session.instanceUrl,
      accessToken: session.accessToken.reveal(),
      version: this.#config.apiVersion,
      refreshFn: (_conn, callback) => {
        if (this.#refreshesInARow >= this.#config.maxSessionRefreshes) {
          callback(new Error("re-login limit reached"));
          return;
        }
        this.#refreshesInARow += 1;
        this.#deps.logger.warn("salesforce.session.refreshed", {
          target: this.#config.id,
          attempt: this.#refreshesInARow,
        });
        requestAdminSession(this.#config, this.#deps.env, this.#deps.now).then(
          (fresh) => {
            this.#session = fresh;
            callback(null, fresh.accessToken.reveal());
          },
          (error: unknown) => {
            callback(error as Error);
          },
        );
      },
    });
  }
}
