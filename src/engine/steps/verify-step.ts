import { assertNever, CloseloopError } from "../../domain/errors.js";
import type { FindingRecord } from "../../store/types.js";
import type { ProbeCheck, ProbeResult } from "../../targets/types.js";
import type { StepContext, StepOutcome } from "../context.js";
import { finishWork } from "./finish-work.js";
import { reportRevocation } from "../metric-readings.js";

const DEFAULT_MAX_INDETERMINATE = 5;
const INDETERMINATE_RETRY_MS = 60_000;

function actionsLine(outputs: (Record<string, unknown> | null)[]): string {
  return outputs
    .map(
      (o) =>
        `${String(o?.["actionId"])} ${String(o?.["outcome"])} (${String(o?.["resultCode"])})`,
    )
    .join(", ");
}

/**
 * Each check as its last round saw it. The probe repeats every check per round until enough
 * consecutive `invalid` answers, so the result (and the evidence) holds one row per round; a
 * person reading the step or the ticket note wants each check once.
 */
function lastOfEachCheck(result: ProbeResult): ProbeCheck[] {
  const byName = new Map<string, ProbeCheck>();
  for (const check of result.checks) byName.set(check.name, check);
  return [...byName.values()];
}

/** verifying → evidence on `invalid`; `valid` stops in still_valid with the change left open. */
export async function verifyStep(
  ctx: StepContext,
  record: FindingRecord,
): Promise<StepOutcome> {
  const { store } = ctx.deps;
  const { plan, identity } = record;
  if (plan === null || identity === null) {
    throw new CloseloopError("PLAN_MISSING", "no stored plan");
  }
  const target = ctx.target(identity.targetId);
  if (target === undefined) {
    throw new CloseloopError(
      "TARGET_UNKNOWN",
      `no target ${identity.targetId}`,
    );
  }

  const intents = await store.listIntents(record.fingerprint, record.cycle);
  const probes = intents.filter((i) => i.kind === "probe");
  const key = `probe:${record.fingerprint}:${record.cycle}:${probes.length + 1}`;
  await store.beginIntent(
    {
      key,
      fingerprint: record.fingerprint,
      cycle: record.cycle,
      kind: "probe",
      input: {},
    },
    ctx.now(),
  );
  const secret = await ctx.secretFor(record);
  const result: ProbeResult = await target.verify(plan, {
    finding: record.finding,
    identity,
    secret,
    logger: ctx.deps.logger,
  });
  await store.completeIntent(key, "done", { ...result }, ctx.now());
  const final = lastOfEachCheck(result);
  ctx.emit("verification.answered", record, {
    answer: result.answer,
    checks: final.map((c) => `${c.name}: ${c.answer}`),
    rounds: result.attempts,
  });

  // One note for approval, actions and answer: each ITSM call counts (PRODUCT §11).
  const approvedBy = (record.approval?.approvers ?? [])
    .filter((a) => a.state === "approved")
    .map((a) => a.userName ?? a.userId)
    .join(", ");
  const actions =
    `approved by ${approvedBy} (read ${record.approval?.readAt ?? "?"}); actions ` +
    actionsLine(
      intents.filter((i) => i.kind === "action").map((i) => i.output),
    );
  switch (result.answer) {
    case "invalid": {
      // On the same write as the ticket's move out of implementation (ServiceNow Review).
      await finishWork(
        ctx,
        record,
        `closeloop: actions ${actions}. Verification: the credential no longer works ` +
          `(${final.map((c) => `${c.name}: ${c.observed}`).join("; ")}).`,
      );
      const verified = await ctx.move(record, "evidence", {
        lastStep: "verification.answered",
        dueAt: ctx.now(),
      });
      // After the move: a retried step (a failed note) observes the cycle once, not per probe.
      await reportRevocation(ctx.deps, record, target.id);
      return verified;
    }
    case "valid": {
      const reason = "the probe says the credential still works";
      await ctx.note(
        record,
        `still-valid-${probes.length + 1}`,
        `closeloop: actions ${actions}. Verification: the credential STILL WORKS; ` +
          "the change stays open until this is resolved.",
      );
      const moved = await ctx.move(record, "still_valid", {
        reason,
        lastStep: "verification.answered",
      });
      ctx.emit("verification.still_valid", moved.record, { reason });
      return moved;
    }
    case "indeterminate": {
      const max =
        ctx.deps.policy.maxIndeterminateProbes ?? DEFAULT_MAX_INDETERMINATE;
      if (probes.length + 1 < max) {
        return {
          kind: "wait",
          dueAt: ctx.later(INDETERMINATE_RETRY_MS * (probes.length + 1)),
          reason: "the probe could not tell yet",
        };
      }
      const reason = `the probe could not tell after ${max} tries`;
      await ctx.note(
        record,
        "indeterminate",
        `closeloop: ${reason}; the change stays open.`,
      );
      const moved = await ctx.move(record, "still_valid", {
        reason,
        lastStep: "verification.answered",
      });
      ctx.emit("verification.still_valid", moved.record, { reason });
      return moved;
    }
    default:
      return assertNever(result.answer, "probe answer");
  }
}
