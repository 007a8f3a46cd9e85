import { Octokit } from "@octokit/rest";
import { CloseloopError } from "../../domain/errors.js";
import type { SecretValue } from "../../domain/secret.js";

export interface GithubClients {
  /** The connector's own client (deploy keys, alerts). */
  admin: Octokit;
  /** No Authorization header: `/credentials/revoke` refuses authenticated calls with 403. */
  anonymous: Octokit;
  /** A client that authenticates with the leaked token, for the probe and `ghs_` self-deletion. */
  withToken(token: SecretValue): Octokit;
}

export function createGithubClients(
  baseUrl: string,
  adminToken: SecretValue,
): GithubClients {
  // @octokit/rest v21 ships no retry/throttling plugin, so a 401 is answered once, as it came.
  const make = (auth?: string) =>
    new Octokit({
      baseUrl,
      userAgent: "closeloop",
      ...(auth === undefined ? {} : { auth }),
      log: {
        debug: () => undefined,
        info: () => undefined,
        warn: () => undefined,
        error: () => undefined,
      },
    });
  return {
    admin: make(adminToken.reveal()),
    anonymous: make(),
    withToken: (token) => make(token.reveal()),
  };
}

export interface GithubFailure {
  status: number | undefined;
  message: string;
  rateLimited: boolean;
}

/** What an Octokit `RequestError` says, read by shape (status, response.data.message). */
export function readGithubFailure(error: unknown): GithubFailure {
  const raw = error as {
    status?: unknown;
    message?: unknown;
    response?: {
      data?: { message?: unknown };
      headers?: Record<string, string | undefined>;
    };
  };
  const status = typeof raw.status === "number" ? raw.status : undefined;
  const data = raw.response?.data?.message;
  const message =
    typeof data === "string"
      ? data
      : typeof raw.message === "string"
        ? raw.message
        : "";
  const remaining = raw.response?.headers?.["x-ratelimit-remaining"];
  return {
    status,
    message,
    rateLimited: status === 429 || (status === 403 && remaining === "0"),
  };
}

export function statusOf(error: unknown): number | undefined {
  return readGithubFailure(error).status;
}

/** One conversion per call site: rate limits, 5xx and network failures are retryable. */
export function toGithubError(
  error: unknown,
  operation: string,
): CloseloopError {
  const failure = readGithubFailure(error);
  const retryable =
    failure.status === undefined ||
    failure.status >= 500 ||
    failure.rateLimited;
  return new CloseloopError(
    `GITHUB_HTTP_${failure.status ?? "NETWORK"}`,
    `${operation} failed: ${failure.status ?? "network"} ${failure.message}`,
    { cause: error, retryable, details: { operation, status: failure.status } },
  );
}
