import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { AWS_ACTIONS } from "../../../../src/targets/aws-iam/index.js";
import {
  actionOf,
  makeContext,
  makeFinding,
  makeIdentity,
  planOf,
} from "../harness.js";
import { LEAKED_KEY, LEAKED_SECRET, STS_URL, startAws } from "./aws-harness.js";

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const finding = makeFinding({ hints: { awsAccessKeyId: LEAKED_KEY } });
const identity = makeIdentity("aws-prod", "aws-iam", "svc-ci");
const ctx = makeContext(finding, identity, LEAKED_SECRET);
const seed = {
  users: [{ userName: "svc-ci", keys: [{ accessKeyId: LEAKED_KEY }] }],
};

describe("AWS IAM proof", () => {
  it("answers invalid only after three consecutive InvalidClientTokenId answers", async () => {
    const { target } = startAws(server, seed);
    const plan = planOf(target, identity, finding);
    await target.execute(actionOf(plan, AWS_ACTIONS.deactivateKey), ctx);

    const proof = await target.verify(plan, ctx);

    expect(proof.answer).toBe("invalid");
    expect(proof.attempts).toBe(3);
    const sts = proof.checks.filter(
      (c) => c.name === "sts.get-caller-identity",
    );
    expect(sts.map((c) => c.answer)).toEqual(["invalid", "invalid", "invalid"]);
  });

  it("restarts the streak when a revoked key still authenticates for a while", async () => {
    const { target, sim } = startAws(server, seed, {}, 2);
    const plan = planOf(target, identity, finding);
    await target.execute(actionOf(plan, AWS_ACTIONS.deactivateKey), ctx);

    const proof = await target.verify(plan, ctx);

    expect(proof.answer).toBe("invalid");
    expect(proof.attempts).toBe(5);
    expect(
      sim.state.calls.filter((c) => c === "sts:GetCallerIdentity"),
    ).toHaveLength(5);
  });

  it("ends valid after the deadline, with bounded tries, while the key keeps working", async () => {
    const { target } = startAws(server, seed);
    const plan = planOf(target, identity, finding);

    const proof = await target.verify(plan, ctx);

    expect(proof.answer).toBe("valid");
    // deadline 300 s / interval 20 s: 15 sleeps, 16 rounds, then it stops.
    expect(proof.attempts).toBe(16);
    expect(proof.checks.some((c) => c.observed.includes("user/svc-ci"))).toBe(
      true,
    );
  });

  it("stops at maxAttempts even when the clock does not move", async () => {
    const { target } = startAws(server, seed, {
      probe: {
        consecutiveInvalid: 3,
        intervalMs: 0,
        deadlineMs: 1_000,
        maxAttempts: 4,
      },
    });

    const proof = await target.verify(planOf(target, identity, finding), ctx);

    expect(proof.attempts).toBe(4);
    expect(proof.answer).toBe("valid");
  });

  it("calls SignatureDoesNotMatch indeterminate, never proof", async () => {
    const { target } = startAws(server, seed, {
      probe: { intervalMs: 1_000, deadlineMs: 5_000 },
    });
    const plan = planOf(target, identity, finding);
    await target.execute(actionOf(plan, AWS_ACTIONS.deactivateKey), ctx);
    server.use(
      http.post(`${STS_URL}*`, () =>
        HttpResponse.xml(
          "<ErrorResponse><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code>" +
            "<Message>signature mismatch</Message></Error><RequestId>r1</RequestId></ErrorResponse>",
          { status: 403 },
        ),
      ),
    );

    const proof = await target.verify(plan, ctx);

    expect(proof.answer).toBe("indeterminate");
    expect(proof.checks.map((c) => c.observed)).toContain(
      "403 SignatureDoesNotMatch",
    );
    expect(JSON.stringify(proof)).not.toContain(LEAKED_SECRET.reveal());
  });

  it("rests on the IAM read-back, and says so, when no secret was kept", async () => {
    const { target } = startAws(server, seed);
    const plan = planOf(target, identity, finding);
    await target.execute(actionOf(plan, AWS_ACTIONS.deactivateKey), ctx);

    const proof = await target.verify(
      plan,
      makeContext(finding, identity, null),
    );

    expect(proof.answer).toBe("invalid");
    expect(proof.checks.every((c) => c.name === "iam.list-access-keys")).toBe(
      true,
    );
    expect(proof.note).toContain("no secret in custody");
  });

  it("answers indeterminate without a secret when the config requires the STS probe", async () => {
    const { target } = startAws(server, seed, {
      probe: { requireSecret: true, intervalMs: 1_000, deadlineMs: 5_000 },
    });
    const plan = planOf(target, identity, finding);
    await target.execute(actionOf(plan, AWS_ACTIONS.deactivateKey), ctx);

    const proof = await target.verify(
      plan,
      makeContext(finding, identity, null),
    );

    expect(proof.answer).toBe("indeterminate");
  });
});
