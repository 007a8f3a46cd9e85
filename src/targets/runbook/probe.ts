import axios from "axios";
import type { ProbeAnswer, ProbeResult, TargetContext } from "../types.js";
import { probeUntil, type Sleep } from "../guard/probe-loop.js";
import type { RunbookTargetConfig } from "./schema.js";

/**
 * The configured HTTP check, retried to a deadline: `goneStatus` is `invalid`, an alive status is
 * `valid`, anything else (network, 5xx, an unforeseen status) is `indeterminate`. The connector
 * still runs this after the job reports success (§5.3).
 */
export async function probeRunbookTarget(
  config: RunbookTargetConfig,
  ctx: TargetContext,
  deps: { sleep: Sleep; now: () => Date },
): Promise<ProbeResult> {
  const probe = config.probe;
  const bearer = probe.credential === "bearer" ? ctx.secret : null;

  return probeUntil(
    async () => {
      const at = deps.now().toISOString();
      if (probe.credential === "bearer" && bearer === null) {
        return {
          answer: "indeterminate",
          checks: [
            {
              name: "runbook.http-probe",
              answer: "indeterminate",
              observed: "no secret in custody",
              at,
            },
          ],
        };
      }
      let observed: string;
      let answer: ProbeAnswer;
      try {
        const response = await axios.request({
          url: probe.url,
          method: probe.method,
          timeout: 10_000,
          validateStatus: () => true,
          maxRedirects: 0,
          headers:
            bearer === null
              ? {}
              : { Authorization: `Bearer ${bearer.reveal()}` },
        });
        observed = `${probe.method} ${response.status}`;
        answer =
          response.status === probe.goneStatus
            ? "invalid"
            : probe.aliveStatuses.includes(response.status)
              ? "valid"
              : "indeterminate";
      } catch (error) {
        observed = `network error: ${error instanceof Error ? error.name : "unknown"}`;
        answer = "indeterminate";
      }
      return {
        answer,
        checks: [{ name: "runbook.http-probe", answer, observed, at }],
      };
    },
    {
      consecutive: probe.consecutiveInvalid,
      intervalMs: probe.intervalMs,
      deadlineMs: probe.deadlineMs,
      maxAttempts: probe.maxAttempts,
      sleep: deps.sleep,
      now: deps.now,
      ...(ctx.signal === undefined ? {} : { signal: ctx.signal }),
    },
  );
}
