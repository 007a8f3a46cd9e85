import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  awsIamTargetSchema,
  AWS_ACTIONS,
} from "../../../../src/targets/aws-iam/index.js";
import {
  actionOf,
  makeContext,
  makeFinding,
  makeIdentity,
  planOf,
} from "../harness.js";
import { awsConfig, startAws } from "./aws-harness.js";

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const S3_FULL = "arn:aws:iam::aws:policy/AmazonS3FullAccess";
const DENY_ALL = "arn:aws:iam::aws:policy/AWSDenyAll";
const INLINE =
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"*"}]}';
const finding = makeFinding({ kind: "access", detector: "aws-overprivileged" });
const identity = makeIdentity("aws-prod", "aws-iam", "svc-ci");
const ctx = makeContext(finding, identity, null);
const seed = {
  users: [
    {
      userName: "svc-ci",
      attachedPolicyArns: [S3_FULL],
      inlinePolicies: { "queue-writer": INLINE },
    },
  ],
  policyGrants: { [S3_FULL]: ["s3:GetObject", "s3:PutObject"] },
};
const scope = {
  scopeReduction: {
    detachPolicyArns: [S3_FULL],
    deleteInlinePolicies: ["queue-writer"],
    probeActions: ["s3:GetObject", "sqs:SendMessage"],
  },
};

describe("AWS IAM scope reduction", () => {
  it("detaches the policy, deletes the inline policy and proves it with a simulation", async () => {
    const { sim, target } = startAws(server, seed, scope);
    const plan = planOf(target, identity, finding);

    const results = [];
    for (const action of plan.actions)
      results.push(await target.execute(action, ctx));
    const proof = await target.verify(plan, ctx);

    expect(results.map((r) => r.resultCode)).toEqual([
      "POLICY_DETACHED",
      "INLINE_POLICY_DELETED",
    ]);
    expect(results[1]?.detail.policyDocument).toBe(INLINE);
    expect(sim.state.users.get("svc-ci")?.attachedPolicyArns.size).toBe(0);
    expect(proof.answer).toBe("invalid");
    expect(proof.checks.map((c) => c.observed)).toContain(
      "denied: s3:GetObject, sqs:SendMessage",
    );
  });

  it("answers valid while the simulation still allows a probed action", async () => {
    const { target } = startAws(server, seed, {
      ...scope,
      probe: { intervalMs: 10_000, deadlineMs: 30_000 },
    });

    const proof = await target.verify(planOf(target, identity, finding), ctx);

    expect(proof.answer).toBe("valid");
    expect(proof.checks.map((c) => c.observed)).toContain(
      "allowed: s3:GetObject, sqs:SendMessage",
    );
  });

  it("attaches deny-all, answers already_done on repeat and detaches it on undo", async () => {
    const { sim, target } = startAws(server, seed, {
      scopeReduction: { attachDenyAll: true, probeActions: ["s3:GetObject"] },
    });
    const action = actionOf(
      planOf(target, identity, finding),
      AWS_ACTIONS.attachDenyAll,
    );

    const first = await target.execute(action, ctx);
    const repeat = await target.execute(action, ctx);
    const proof = await target.verify(planOf(target, identity, finding), ctx);
    const undone = await target.undo?.(action, ctx);

    expect(first.resultCode).toBe("POLICY_ATTACHED");
    expect(repeat.outcome).toBe("already_done");
    expect(proof.answer).toBe("invalid");
    expect(undone?.resultCode).toBe("POLICY_DETACHED");
    expect(
      sim.state.users.get("svc-ci")?.attachedPolicyArns.has(DENY_ALL),
    ).toBe(false);
  });

  it("re-attaches a detached policy on undo", async () => {
    const { sim, target } = startAws(server, seed, scope);
    const action = actionOf(
      planOf(target, identity, finding),
      AWS_ACTIONS.detachPolicy,
    );
    await target.execute(action, ctx);

    const undone = await target.undo?.(action, ctx);

    expect(undone?.resultCode).toBe("POLICY_ATTACHED");
    expect(sim.state.users.get("svc-ci")?.attachedPolicyArns.has(S3_FULL)).toBe(
      true,
    );
  });

  it("answers already_done when the inline policy is already gone", async () => {
    const { target } = startAws(
      server,
      { users: [{ userName: "svc-ci" }] },
      scope,
    );
    const action = actionOf(
      planOf(target, identity, finding),
      AWS_ACTIONS.deleteInlinePolicy,
    );

    const result = await target.execute(action, ctx);

    expect(result.outcome).toBe("already_done");
    expect(result.resultCode).toBe("INLINE_POLICY_ABSENT");
  });

  it("refuses a configuration that would detach an AWS quarantine policy", () => {
    const config = awsConfig({
      scopeReduction: {
        detachPolicyArns: [
          "arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV3",
        ],
      },
    });

    const parsed = awsIamTargetSchema.safeParse(config);

    expect(parsed.success).toBe(false);
  });
});
