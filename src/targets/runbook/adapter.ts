import axios from "axios";
import { resolveSecretRef } from "../../config/secret-ref.js";
import { isCloseloopError } from "../../domain/errors.js";
import type { PlannedAction } from "../../domain/plan.js";
import { startAction } from "../guard/action-result.js";
import { parseTargetConfig } from "../guard/parse-config.js";
import { realSleep } from "../guard/probe-loop.js";
import type { TargetDeps } from "../guard/target-deps.js";
import type { ActionResult, TargetAdapter, TargetContext } from "../types.js";
import { runJob, type JobDeps } from "./job.js";
import { probeRunbookTarget } from "./probe.js";
import {
  runbookTargetSchema,
  type RunbookJobConfig,
  type RunbookTargetInput,
} from "./schema.js";

export const RUNBOOK_ACTION = "runbook.run-job";

/**
 * A target closeloop does not know natively: a configured job (AWX/Rundeck-like, §5.3) does the
 * revocation, and a configured HTTP probe proves it.
 */
export function createRunbookTarget(
  input: RunbookTargetInput,
  deps: TargetDeps,
): TargetAdapter {
  const config = parseTargetConfig(runbookTargetSchema, input, "runbook");
  const token =
    config.token === undefined
      ? undefined
      : resolveSecretRef(config.token, `targets.${config.id}.token`, deps.env);
  const http = axios.create({
    baseURL: config.baseUrl,
    timeout: 30_000,
    headers:
      token === undefined ? {} : { Authorization: `Bearer ${token.reveal()}` },
  });
  const now = deps.now ?? (() => new Date());
  const sleep = deps.sleep ?? realSleep;
  const jobDeps: JobDeps = { http, config, sleep, now };

  async function run(
    action: PlannedAction,
    ctx: TargetContext,
    job: RunbookJobConfig,
    suffix: string,
  ) {
    const finish = startAction(action, now);
    const summary = `POST ${config.baseUrl}${job.launchPath}`;
    try {
      const key = `closeloop:${ctx.finding.fingerprint}:${action.id}${suffix}`;
      const outcome = await runJob(jobDeps, job, key);
      const result: ActionResult = finish({
        outcome: outcome.terminal === "succeeded" ? "done" : "failed",
        resultCode:
          outcome.terminal === "succeeded"
            ? "RUNBOOK_SUCCEEDED"
            : outcome.terminal === "failed"
              ? "RUNBOOK_FAILED"
              : "RUNBOOK_STILL_RUNNING",
        requestSummary: summary,
        responseIds: [outcome.jobId],
        detail: {
          status: outcome.status,
          statusUrl: outcome.statusUrl,
          polls: outcome.polls,
          evidence: outcome.evidence,
        },
        ...(outcome.terminal === "succeeded"
          ? {}
          : {
              error: {
                code: `RUNBOOK_${outcome.terminal.toUpperCase().replace("-", "_")}`,
                message: `job ended ${outcome.status}`,
              },
            }),
      });
      ctx.logger.info("action.executed", {
        target: config.id,
        actionId: action.id,
        outcome: result.outcome,
        resultCode: result.resultCode,
      });
      return result;
    } catch (error) {
      if (!isCloseloopError(error) || error.retryable) throw error;
      return finish({
        outcome: "failed",
        resultCode: error.code,
        requestSummary: summary,
        detail: error.details,
        error: { code: error.code, message: error.message },
      });
    }
  }

  return {
    kind: "runbook",
    id: config.id,
    endpoint: () => Promise.resolve(config.baseUrl),
    plan: (identity) => [
      {
        id: "a1",
        kind: RUNBOOK_ACTION,
        summary:
          `Run job ${config.baseUrl}${config.revoke.launchPath} ` +
          `for ${identity.principal}: ${config.revoke.description}`,
        impact: config.revoke.impact,
        verification:
          `${config.probe.method} ${config.probe.url} answers ${config.probe.goneStatus} ` +
          `${config.probe.consecutiveInvalid} times in a row.`,
        undo:
          config.undo === undefined
            ? null
            : `Run job ${config.baseUrl}${config.undo.launchPath}: ${config.undo.description}`,
        optional: false,
        params: {
          principal: identity.principal,
          launchPath: config.revoke.launchPath,
        },
      },
    ],
    execute: (action, ctx) => run(action, ctx, config.revoke, ""),
    verify: (_plan, ctx) => probeRunbookTarget(config, ctx, { sleep, now }),
    undo: async (action, ctx) => {
      if (config.undo !== undefined)
        return run(action, ctx, config.undo, ":undo");
      return startAction(
        action,
        now,
      )({
        outcome: "failed",
        resultCode: "UNDO_IMPOSSIBLE",
        requestSummary: "none",
        error: {
          code: "UNDO_IMPOSSIBLE",
          message: "no compensating job is configured",
        },
      });
    },
  };
}
