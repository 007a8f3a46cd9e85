import type { AxiosInstance } from "axios";
import { isAxiosError } from "axios";
import { z } from "zod";
import { CloseloopError } from "../../domain/errors.js";
import type { Sleep } from "../guard/probe-loop.js";
import type { RunbookJobConfig, RunbookTargetConfig } from "./schema.js";

/** Launch answer: §5.3 asks for a status URL; AWX gives `Location` and `{ job: id }`. */
const launchSchema = z
  .object({
    statusUrl: z.string().optional(),
    url: z.string().optional(),
    job: z.union([z.number(), z.string()]).optional(),
    id: z.union([z.number(), z.string()]).optional(),
  })
  .loose();

const statusSchema = z
  .object({
    status: z.string(),
    evidence: z.record(z.string(), z.unknown()).optional(),
    job_explanation: z.string().optional(),
  })
  .loose();

export interface JobOutcome {
  jobId: string;
  statusUrl: string;
  status: string;
  terminal: "succeeded" | "failed" | "still-running";
  evidence: Record<string, unknown>;
  polls: number;
}

export interface JobDeps {
  http: AxiosInstance;
  config: RunbookTargetConfig;
  sleep: Sleep;
  now: () => Date;
}

function toRunbookError(error: unknown, operation: string): CloseloopError {
  const status = isAxiosError(error) ? error.response?.status : undefined;
  const retryable = status === undefined || status >= 500 || status === 429;
  return new CloseloopError(
    `RUNBOOK_HTTP_${status ?? "NETWORK"}`,
    `${operation} failed: ${status ?? "network error"}`,
    { cause: error, retryable, details: { operation, status } },
  );
}

/**
 * Launches a job with an Idempotency-Key (launches are not idempotent by themselves, §5.1/§5.3)
 * and follows its status to a terminal state, the deadline or the attempt bound.
 */
export async function runJob(
  deps: JobDeps,
  job: RunbookJobConfig,
  idempotencyKey: string,
): Promise<JobOutcome> {
  let launched;
  try {
    launched = await deps.http.post(
      job.launchPath,
      { extra_vars: job.variables, options: job.variables },
      { headers: { "Idempotency-Key": idempotencyKey } },
    );
  } catch (error) {
    throw toRunbookError(error, `POST ${job.launchPath}`);
  }
  const body = launchSchema.parse(launched.data ?? {});
  const location = launched.headers.location as unknown;
  const statusUrl =
    body.statusUrl ??
    (typeof location === "string" ? location : undefined) ??
    body.url;
  const jobId = String(body.job ?? body.id ?? statusUrl ?? "unknown");
  if (statusUrl === undefined) {
    throw new CloseloopError(
      "RUNBOOK_NO_STATUS_URL",
      `launch of ${job.launchPath} gave no status URL`,
      {
        details: { launchPath: job.launchPath, status: launched.status },
      },
    );
  }

  const { poll, succeededStatuses, failedStatuses } = deps.config;
  const deadline = deps.now().getTime() + poll.deadlineMs;
  let status = "unknown";
  let evidence: Record<string, unknown> = {};
  for (let polls = 1; polls <= poll.maxAttempts; polls += 1) {
    try {
      const answer = statusSchema.parse((await deps.http.get(statusUrl)).data);
      status = answer.status;
      evidence = answer.evidence ?? {};
    } catch (error) {
      if (error instanceof z.ZodError)
        throw new CloseloopError(
          "RUNBOOK_BAD_STATUS",
          "status answer has no status field",
          { cause: error },
        );
      throw toRunbookError(error, `GET ${statusUrl}`);
    }
    if (succeededStatuses.includes(status))
      return {
        jobId,
        statusUrl,
        status,
        terminal: "succeeded",
        evidence,
        polls,
      };
    if (failedStatuses.includes(status))
      return { jobId, statusUrl, status, terminal: "failed", evidence, polls };

    const left = deadline - deps.now().getTime();
    if (left <= 0 || polls === poll.maxAttempts) {
      return {
        jobId,
        statusUrl,
        status,
        terminal: "still-running",
        evidence,
        polls,
      };
    }
    await deps.sleep(Math.min(poll.intervalMs, left));
  }
  return {
    jobId,
    statusUrl,
    status,
    terminal: "still-running",
    evidence,
    polls: poll.maxAttempts,
  };
}
