import { readFileSync } from "node:fs";
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
import { IAM_URL, LEAKED_KEY, LEAKED_SECRET, startAws } from "./aws-harness.js";

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const finding = makeFinding({ hints: { awsAccessKeyId: LEAKED_KEY } });
const identity = makeIdentity("aws-prod", "aws-iam", "svc-ci");
const ctx = makeContext(finding, identity, LEAKED_SECRET);
const WEEK_MS = 7 * 24 * 3600 * 1000;
const fixture = (name: string) =>
  readFileSync(
    new URL(`../../../fixtures/targets/aws/${name}`, import.meta.url),
    "utf8",
  );

describe("BR-24: the key is gone before revocation runs", () => {
  it("reports the delete as ALREADY_REVOKED after ListAccessKeys confirms the key is absent", async () => {
    const { sim, target, clock } = startAws(server, {
      users: [{ userName: "svc-ci", keys: [] }],
    });
    const plan = planOf(target, identity, finding);
    clock.advance(WEEK_MS);

    const result = await target.execute(
      actionOf(plan, AWS_ACTIONS.deleteKey),
      ctx,
    );

    expect(result.outcome).toBe("already_done");
    expect(result.resultCode).toBe("ALREADY_REVOKED");
    expect(result.detail.notFoundAt).toBe(clock.now().toISOString());
    expect(sim.state.calls).toEqual([
      "iam:GetAccessKeyLastUsed",
      "iam:DeleteAccessKey",
      "iam:ListAccessKeys",
    ]);
  });

  it("then verifies the key as invalid: absent from IAM and refused by STS", async () => {
    const { target } = startAws(server, {
      users: [{ userName: "svc-ci", keys: [] }],
    });
    const plan = planOf(target, identity, finding);

    const proof = await target.verify(plan, ctx);

    expect(proof.answer).toBe("invalid");
    expect(proof.checks.map((c) => c.observed)).toContain(
      `key ${LEAKED_KEY}: absent`,
    );
    expect(proof.checks.map((c) => c.observed)).toContain(
      "403 InvalidClientTokenId",
    );
  });

  it("counts a deleted user as already revoked (ListAccessKeys answers NoSuchEntity)", async () => {
    const { target } = startAws(server, { users: [] });
    server.use(
      http.post(`${IAM_URL}*`, async ({ request }) => {
        const body = await request.clone().text();
        if (!body.includes("Action=ListAccessKeys")) return undefined;
        return new HttpResponse(fixture("iam-error-nosuchentity.xml"), {
          status: 404,
          headers: { "content-type": "text/xml" },
        });
      }),
    );
    const plan = planOf(target, identity, finding);

    const result = await target.execute(
      actionOf(plan, AWS_ACTIONS.deactivateKey),
      ctx,
    );
    const proof = await target.verify(plan, ctx);

    expect(result.resultCode).toBe("ALREADY_REVOKED");
    expect(result.detail.userDeleted).toBe(true);
    expect(proof.answer).toBe("invalid");
  });

  it("fails with KEY_OWNER_MISMATCH and touches nothing when the key belongs to another user", async () => {
    const { sim, target, clock } = startAws(server, {
      users: [
        { userName: "svc-ci", keys: [] },
        { userName: "svc-deploy", keys: [{ accessKeyId: LEAKED_KEY }] },
      ],
    });
    const plan = planOf(target, identity, finding);
    clock.advance(WEEK_MS);

    const deactivated = await target.execute(
      actionOf(plan, AWS_ACTIONS.deactivateKey),
      ctx,
    );
    const deleted = await target.execute(
      actionOf(plan, AWS_ACTIONS.deleteKey),
      ctx,
    );

    for (const result of [deactivated, deleted]) {
      expect(result.outcome).toBe("failed");
      expect(result.resultCode).toBe("KEY_OWNER_MISMATCH");
      expect(result.detail).toMatchObject({
        plannedUser: "svc-ci",
        keyOwner: "svc-deploy",
      });
    }
    expect(
      sim.state.users.get("svc-deploy")?.keys.get(LEAKED_KEY)?.status,
    ).toBe("Active");
    expect(sim.state.calls).toEqual([
      "iam:GetAccessKeyLastUsed",
      "iam:GetAccessKeyLastUsed",
    ]);
  });

  it("reads the real STS InvalidClientTokenId body as invalid", async () => {
    const { target } = startAws(server, {
      users: [{ userName: "svc-ci", keys: [] }],
    });
    server.use(
      http.post(
        "http://127.0.0.1:4599/sts/*",
        () =>
          new HttpResponse(fixture("sts-error-invalidclienttokenid.xml"), {
            status: 403,
            headers: { "content-type": "text/xml" },
          }),
      ),
    );

    const proof = await target.verify(planOf(target, identity, finding), ctx);

    expect(proof.answer).toBe("invalid");
    expect(proof.attempts).toBe(3);
  });
});
