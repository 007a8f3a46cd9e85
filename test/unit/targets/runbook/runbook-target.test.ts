import { readFileSync } from "node:fs";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SecretValue } from "../../../../src/domain/secret.js";
import { silentLogger } from "../../../../src/logging/logger.js";
import { createRunbookSimulator } from "../../../../src/sandbox/runbook/index.js";
import type { RunbookSimulatorOptions } from "../../../../src/sandbox/runbook/index.js";
import { createRunbookTarget } from "../../../../src/targets/runbook/index.js";
import type { RunbookTargetInput } from "../../../../src/targets/runbook/index.js";
import {
  makeContext,
  makeFinding,
  makeIdentity,
  manualClock,
  planOf,
} from "../harness.js";

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const BASE = "http://127.0.0.1:4597";
const SECRET = new SecretValue("made-up-legacy-api-key-0001");
const finding = makeFinding({ detector: "generic-api-key" });
const identity = makeIdentity("legacy", "runbook", "svc-legacy");
const ctx = makeContext(finding, identity, SECRET);

function config(extra: Partial<RunbookTargetInput> = {}): RunbookTargetInput {
  return {
    id: "legacy",
    kind: "runbook",
    baseUrl: BASE,
    token: { env: "RUNBOOK_TOKEN" },
    revoke: {
      launchPath: "/api/v2/job_templates/12/launch/",
      description: "rotate the legacy API key",
    },
    poll: { intervalMs: 1_000, deadlineMs: 60_000 },
    probe: {
      url: `${BASE}/probe`,
      goneStatus: 401,
      intervalMs: 1_000,
      deadlineMs: 30_000,
    },
    ...extra,
  };
}

function start(
  sim: Omit<RunbookSimulatorOptions, "baseUrl"> = {},
  extra: Partial<RunbookTargetInput> = {},
) {
  const simulator = createRunbookSimulator({ baseUrl: BASE, ...sim });
  server.use(...simulator.handlers());
  const clock = manualClock();
  const target = createRunbookTarget(config(extra), {
    logger: silentLogger,
    env: { RUNBOOK_TOKEN: "made-up-runbook-token" },
    now: clock.now,
    sleep: clock.sleep,
  });
  return { simulator, target };
}

describe("runbook target", () => {
  it("launches the job once, follows it to success and proves it with the HTTP probe", async () => {
    const { simulator, target } = start({ runningPolls: 2 });
    const plan = planOf(target, identity, finding);

    const result = await target.execute(plan.actions[0]!, ctx);
    const proof = await target.verify(plan, ctx);

    expect(result.resultCode).toBe("RUNBOOK_SUCCEEDED");
    expect(result.detail.polls).toBe(3);
    expect(simulator.jobs).toHaveLength(1);
    expect(proof.answer).toBe("invalid");
    expect(proof.checks.map((c) => c.observed)).toEqual(["GET 401", "GET 401"]);
  });

  it("sends the same Idempotency-Key on a repeat, so no second job starts", async () => {
    const { simulator, target } = start();
    const action = planOf(target, identity, finding).actions[0]!;

    await target.execute(action, ctx);
    await target.execute(action, ctx);

    expect(simulator.jobs).toHaveLength(1);
    expect(simulator.jobs[0]?.idempotencyKey).toBe("closeloop:fp-0001:a1");
  });

  it("never takes an unforeseen status for success", async () => {
    const { target } = start({ finalStatus: "failed-with-retry" });

    const result = await target.execute(
      planOf(target, identity, finding).actions[0]!,
      ctx,
    );

    expect(result.outcome).toBe("failed");
    expect(result.resultCode).toBe("RUNBOOK_FAILED");
  });

  it("stops polling at the deadline and reports the job as still running", async () => {
    const { target } = start({ runningPolls: 1_000 });

    const result = await target.execute(
      planOf(target, identity, finding).actions[0]!,
      ctx,
    );

    expect(result.resultCode).toBe("RUNBOOK_STILL_RUNNING");
    expect(result.detail.polls).toBe(61);
  });

  it("reads an AWX job detail with status successful as success", async () => {
    const awx = readFileSync(
      new URL(
        "../../../fixtures/targets/runbooks/awx_job_detail_successful.json",
        import.meta.url,
      ),
      "utf8",
    );
    const { target } = start();
    server.use(
      http.post(`${BASE}/api/v2/job_templates/12/launch/`, () =>
        HttpResponse.json(
          { job: 2 },
          { status: 201, headers: { Location: "/api/v2/jobs/2/" } },
        ),
      ),
      http.get(`${BASE}/api/v2/jobs/2/`, () =>
        HttpResponse.text(awx, {
          headers: { "content-type": "application/json" },
        }),
      ),
    );

    const result = await target.execute(
      planOf(target, identity, finding).actions[0]!,
      ctx,
    );

    expect(result.resultCode).toBe("RUNBOOK_SUCCEEDED");
    expect(result.responseIds).toEqual(["2"]);
  });

  it("answers valid after bounded tries while the probe keeps answering 200", async () => {
    const { target } = start();

    const proof = await target.verify(planOf(target, identity, finding), ctx);

    expect(proof.answer).toBe("valid");
    expect(proof.attempts).toBe(30);
  });

  it("runs the compensating job on undo, and refuses when none is configured", async () => {
    const undoJob = {
      launchPath: "/api/v2/job_templates/13/launch/",
      description: "restore the key",
    };
    const withUndo = start({}, { undo: undoJob });
    const action = planOf(withUndo.target, identity, finding).actions[0]!;

    const undone = await withUndo.target.undo?.(action, ctx);
    server.resetHandlers();
    const bare = start();
    const refused = await bare.target.undo?.(action, ctx);

    expect(undone?.resultCode).toBe("RUNBOOK_SUCCEEDED");
    expect(withUndo.simulator.jobs[0]?.path).toBe(undoJob.launchPath);
    expect(refused?.error?.code).toBe("UNDO_IMPOSSIBLE");
  });
});
