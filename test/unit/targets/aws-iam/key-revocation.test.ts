import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { isCloseloopError } from "../../../../src/domain/errors.js";
import { AWS_ACTIONS } from "../../../../src/targets/aws-iam/index.js";
import {
  actionOf,
  makeContext,
  makeFinding,
  makeIdentity,
  planOf,
} from "../harness.js";
import { LEAKED_KEY, LEAKED_SECRET, startAws } from "./aws-harness.js";

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const finding = makeFinding({ hints: { awsAccessKeyId: LEAKED_KEY } });
const identity = makeIdentity("aws-prod", "aws-iam", "svc-ci");
const ctx = makeContext(finding, identity, LEAKED_SECRET);
const seed = {
  users: [
    {
      userName: "svc-ci",
      keys: [
        { accessKeyId: LEAKED_KEY },
        { accessKeyId: "AKIA222222222EXAMPLE" },
      ],
    },
  ],
};

describe("AWS IAM key revocation", () => {
  it("plans a deactivation and a delete that waits for the grace period", () => {
    const { target } = startAws(server, seed);

    const plan = planOf(target, identity, finding);

    expect(plan.actions.map((a) => a.kind)).toEqual([
      AWS_ACTIONS.deactivateKey,
      AWS_ACTIONS.deleteKey,
    ]);
    expect(plan.actions[0]?.summary).toContain(
      `key ${LEAKED_KEY} of IAM user svc-ci`,
    );
    expect(plan.actions[1]?.params.notBefore).toBe("2026-03-09T10:00:00.000Z");
    expect(plan.actions[1]?.undo).toBeNull();
  });

  it("deactivates only the leaked key and leaves the user's other key active", async () => {
    const { sim, target } = startAws(server, seed);
    const plan = planOf(target, identity, finding);

    const result = await target.execute(
      actionOf(plan, AWS_ACTIONS.deactivateKey),
      ctx,
    );

    expect(result.outcome).toBe("done");
    expect(result.resultCode).toBe("KEY_DEACTIVATED");
    const keys = sim.state.users.get("svc-ci")?.keys;
    expect(keys?.get(LEAKED_KEY)?.status).toBe("Inactive");
    expect(keys?.get("AKIA222222222EXAMPLE")?.status).toBe("Active");
    expect(result.responseIds.length).toBeGreaterThan(0);
  });

  it("answers already_done when the key is already inactive", async () => {
    const { target } = startAws(server, seed);
    const plan = planOf(target, identity, finding);
    const action = actionOf(plan, AWS_ACTIONS.deactivateKey);
    await target.execute(action, ctx);

    const repeat = await target.execute(action, ctx);

    expect(repeat.outcome).toBe("already_done");
    expect(repeat.resultCode).toBe("KEY_ALREADY_INACTIVE");
  });

  it("refuses to delete the key before its notBefore time, retryably", async () => {
    const { sim, target } = startAws(server, seed);
    const plan = planOf(target, identity, finding);

    const attempt = target.execute(actionOf(plan, AWS_ACTIONS.deleteKey), ctx);

    const error: unknown = await attempt.catch((e: unknown) => e);
    expect(isCloseloopError(error) && error.code).toBe("ACTION_NOT_DUE");
    expect(isCloseloopError(error) && error.retryable).toBe(true);
    expect(sim.state.users.get("svc-ci")?.keys.has(LEAKED_KEY)).toBe(true);
  });

  it("deletes the key once the grace period is over", async () => {
    const { sim, target, clock } = startAws(server, seed);
    const plan = planOf(target, identity, finding);
    clock.advance(7 * 24 * 3600 * 1000);

    const result = await target.execute(
      actionOf(plan, AWS_ACTIONS.deleteKey),
      ctx,
    );

    expect(result.resultCode).toBe("KEY_DELETED");
    expect(sim.state.users.get("svc-ci")?.keys.has(LEAKED_KEY)).toBe(false);
    expect(sim.state.calls).toContain("iam:DeleteAccessKey");
  });

  it("reactivates a deactivated key on undo", async () => {
    const { sim, target } = startAws(server, seed);
    const action = actionOf(
      planOf(target, identity, finding),
      AWS_ACTIONS.deactivateKey,
    );
    await target.execute(action, ctx);

    const undone = await target.undo?.(action, ctx);

    expect(undone?.resultCode).toBe("KEY_REACTIVATED");
    expect(sim.state.users.get("svc-ci")?.keys.get(LEAKED_KEY)?.status).toBe(
      "Active",
    );
  });

  it("reports an undo of a deactivation as impossible once the key is deleted", async () => {
    const { sim, target } = startAws(server, seed);
    const action = actionOf(
      planOf(target, identity, finding),
      AWS_ACTIONS.deactivateKey,
    );
    sim.state.users.get("svc-ci")?.keys.delete(LEAKED_KEY);

    const undone = await target.undo?.(action, ctx);

    expect(undone?.outcome).toBe("failed");
    expect(undone?.error?.code).toBe("UNDO_IMPOSSIBLE");
  });

  it("never undoes a delete", async () => {
    const { sim, target } = startAws(server, seed);
    const action = actionOf(
      planOf(target, identity, finding),
      AWS_ACTIONS.deleteKey,
    );

    const undone = await target.undo?.(action, ctx);

    expect(undone?.outcome).toBe("failed");
    expect(sim.state.calls).toEqual([]);
  });

  it("takes the IAM user from the principal ARN when the principal is the key id", () => {
    const { target } = startAws(server, seed);
    const byKey = makeIdentity("aws-prod", "aws-iam", LEAKED_KEY);
    const withArn = makeFinding({
      hints: { awsPrincipalArn: "arn:aws:iam::123456789012:user/ci/svc-ci" },
    });

    const plan = planOf(target, byKey, withArn);

    expect(plan.actions[0]?.params).toMatchObject({
      userName: "svc-ci",
      accessKeyId: LEAKED_KEY,
    });
  });
});
