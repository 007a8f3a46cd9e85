import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { isCloseloopError } from "../../../../src/domain/errors.js";
import type { Finding } from "../../../../src/domain/finding.js";
import type { Identity } from "../../../../src/domain/identity.js";
import { makePlan, type Plan } from "../../../../src/domain/plan.js";
import { AWS_ACTIONS } from "../../../../src/targets/aws-iam/index.js";
import type { TargetAdapter } from "../../../../src/targets/types.js";
import {
  actionOf,
  makeContext,
  makeFinding,
  makeIdentity,
} from "../harness.js";
import { LEAKED_KEY, LEAKED_SECRET, startAws } from "./aws-harness.js";

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const ACCOUNT = "123456789012";
/** A gitleaks-style finding: the key id alone, no account, no user. */
const bareKey = makeFinding({ hints: { awsAccessKeyId: LEAKED_KEY } });
/** What identity resolution makes of it: the key id as the principal. */
const byKey = makeIdentity("aws-prod", "aws-iam", LEAKED_KEY);
const byUser = makeIdentity("aws-prod", "aws-iam", "svc-ci");
const WEEK_MS = 7 * 24 * 3600 * 1000;

async function livePlanOf(
  target: TargetAdapter,
  identity: Identity,
  finding: Finding,
): Promise<Plan> {
  if (target.planLive === undefined) throw new Error("no planLive");
  return makePlan({
    findingFingerprint: finding.fingerprint,
    targetId: target.id,
    targetKind: target.kind,
    principal: identity.principal,
    actions: await target.planLive(identity, finding),
  });
}

async function refusalOf(promise: Promise<unknown>) {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isCloseloopError(error)) throw new Error("planLive did not refuse");
  return error;
}

const mutating = (calls: string[]) =>
  calls.filter((c) => /Update|Delete|Attach|Detach|Put/.test(c));

describe("AWS IAM plan read live at plan time", () => {
  it("names the key's IAM user and account, read from IAM and STS, in every action", async () => {
    const { sim, target } = startAws(
      server,
      { users: [{ userName: "svc-ci", keys: [{ accessKeyId: LEAKED_KEY }] }] },
      {
        scopeReduction: { withKeyRevocation: true, attachDenyAll: true },
      },
    );

    const plan = await livePlanOf(target, byKey, bareKey);

    expect(plan.actions.map((a) => a.kind)).toEqual([
      AWS_ACTIONS.deactivateKey,
      AWS_ACTIONS.deleteKey,
      AWS_ACTIONS.attachDenyAll,
    ]);
    for (const action of plan.actions) {
      expect(action.summary).toContain(`IAM user svc-ci in account ${ACCOUNT}`);
      expect(action.params).toMatchObject({
        userName: "svc-ci",
        account: ACCOUNT,
      });
    }
    expect([...sim.state.calls].sort()).toEqual([
      "iam:GetAccessKeyLastUsed",
      "sts:GetAccessKeyInfo",
      "sts:GetCallerIdentity",
    ]);
  });

  it("deactivates the key of the user it planned, checking the owner again first", async () => {
    const { sim, target } = startAws(server, {
      users: [{ userName: "svc-ci", keys: [{ accessKeyId: LEAKED_KEY }] }],
    });
    const plan = await livePlanOf(target, byKey, bareKey);
    sim.state.calls.length = 0;

    const result = await target.execute(
      actionOf(plan, AWS_ACTIONS.deactivateKey),
      makeContext(bareKey, byKey, LEAKED_SECRET),
    );

    expect(result.resultCode).toBe("KEY_DEACTIVATED");
    expect(sim.state.users.get("svc-ci")?.keys.get(LEAKED_KEY)?.status).toBe(
      "Inactive",
    );
    expect(sim.state.calls[0]).toBe("iam:GetAccessKeyLastUsed");
  });

  it("refuses to plan, touching nothing, when the key belongs to another user than the finding names", async () => {
    const { sim, target } = startAws(server, {
      users: [
        { userName: "svc-ci", keys: [] },
        { userName: "svc-deploy", keys: [{ accessKeyId: LEAKED_KEY }] },
      ],
    });

    const error = await refusalOf(livePlanOf(target, byUser, bareKey));

    expect(error.code).toBe("KEY_OWNER_MISMATCH");
    expect(error.retryable).toBe(false);
    expect(error.details).toMatchObject({
      plannedUser: "svc-ci",
      keyOwner: "svc-deploy",
    });
    expect(mutating(sim.state.calls)).toEqual([]);
    expect(
      sim.state.users.get("svc-deploy")?.keys.get(LEAKED_KEY)?.status,
    ).toBe("Active");
  });

  it("refuses a key of another account before asking IAM about it", async () => {
    const { sim, target } = startAws(server, {
      users: [{ userName: "svc-ci", keys: [] }],
      foreignKeys: { [LEAKED_KEY]: "999988887777" },
    });

    const error = await refusalOf(livePlanOf(target, byKey, bareKey));

    expect(error.code).toBe("KEY_IN_OTHER_ACCOUNT");
    expect(error.details).toMatchObject({
      keyAccount: "999988887777",
      targetAccount: ACCOUNT,
    });
    expect(sim.state.calls.filter((c) => c.startsWith("iam:"))).toEqual([]);
  });

  it("plans a key already gone (NoSuchEntity) as already revoked, then verifies it (BR-24)", async () => {
    const { sim, target, clock } = startAws(server, {
      users: [{ userName: "svc-ci", keys: [] }],
    });
    const ctx = makeContext(bareKey, byUser, LEAKED_SECRET);

    const plan = await livePlanOf(target, byUser, bareKey);
    clock.advance(WEEK_MS);
    const result = await target.execute(plan.actions[0]!, ctx);
    const proof = await target.verify(plan, ctx);

    expect(plan.actions).toHaveLength(1);
    expect(plan.actions[0]).toMatchObject({
      kind: AWS_ACTIONS.deactivateKey,
      params: { userName: "svc-ci", account: ACCOUNT, absentAtPlan: true },
    });
    expect(plan.actions[0]?.summary).toContain("already revoked");
    expect(result).toMatchObject({
      outcome: "already_done",
      resultCode: "ALREADY_REVOKED",
    });
    expect(proof.answer).toBe("invalid");
    expect(mutating(sim.state.calls)).toEqual([]);
  });

  it("refuses a key IAM does not know when the finding names no user to confirm it with", async () => {
    const { target } = startAws(server, {
      users: [{ userName: "svc-ci", keys: [] }],
    });

    const error = await refusalOf(livePlanOf(target, byKey, bareKey));

    expect(error.code).toBe("AWS_KEY_NOT_FOUND");
  });

  it("fails planning retryably while the connector's own credentials are refused", async () => {
    const { sim, target } = startAws(server, {
      users: [{ userName: "svc-ci", keys: [{ accessKeyId: LEAKED_KEY }] }],
    });
    sim.state.users.delete("closeloop");

    const error = await refusalOf(livePlanOf(target, byKey, bareKey));

    expect(error.code).toBe("AWS_PLAN_READ_FAILED");
    expect(error.retryable).toBe(true);
    expect(error.details.awsCode).toBe("InvalidClientTokenId");
  });
});
