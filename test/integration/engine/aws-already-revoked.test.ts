import type { RequestHandler } from "msw";
import type { SetupServer } from "msw/node";
import { afterEach, describe, expect, it } from "vitest";
import type { Resolution } from "../../../src/domain/identity.js";
import { SecretValue } from "../../../src/domain/secret.js";
import type { ActionResult } from "../../../src/targets/types.js";
import { makeFinding } from "../../unit/targets/harness.js";
import {
  LEAKED_KEY,
  LEAKED_SECRET,
  startAws,
  type AwsHarness,
} from "../../unit/targets/aws-iam/aws-harness.js";
import { RealItsmHarness } from "./real-itsm.js";

const resolveAws = (): Resolution => ({
  ok: true,
  identity: {
    targetId: "aws-prod",
    targetKind: "aws-iam",
    principal: "svc-ci",
  },
});

/** The AWS simulator and target, its handlers kept for the harness's msw server. */
function awsFor(seedOwner: "svc-ci" | "svc-deploy"): {
  aws: AwsHarness;
  handlers: RequestHandler[];
} {
  const handlers: RequestHandler[] = [];
  const collecting = {
    use: (...h: RequestHandler[]) => handlers.push(...h),
  } as unknown as SetupServer;
  const aws = startAws(collecting, {
    users: [
      { userName: "svc-ci", keys: [{ accessKeyId: LEAKED_KEY }] },
      {
        userName: "svc-deploy",
        keys: seedOwner === "svc-deploy" ? [{ accessKeyId: LEAKED_KEY }] : [],
      },
    ],
  });
  return { aws, handlers };
}

async function ticketId(h: RealItsmHarness, fp: string): Promise<string> {
  const [ticket] = await h.store.listTickets(fp);
  return ticket!.ref!.id;
}

function evidenceActions(bytes: Buffer): ActionResult[] {
  return (JSON.parse(bytes.toString("utf8")) as { actions: ActionResult[] })
    .actions;
}

const MUTATIONS = new Set(["iam:UpdateAccessKey", "iam:DeleteAccessKey"]);

describe("a key a person deleted before closeloop ran, through the loop (BR-24)", () => {
  let h: RealItsmHarness | undefined;
  afterEach(async () => h?.dispose());

  it("records 'not found at <ts>' in the evidence, closes the ticket and retries no delete", async () => {
    const { aws, handlers } = awsFor("svc-ci");
    h = await new RealItsmHarness(
      ["jira"],
      undefined,
      {},
      {
        targets: [aws.target],
        resolve: resolveAws,
      },
    ).start();
    h.server.use(...handlers);
    const finding = makeFinding({
      fingerprint: "fp-br24",
      hints: { awsAccessKeyId: LEAKED_KEY },
    });
    await h.engine.ingest([
      { finding, secret: new SecretValue(LEAKED_SECRET.reveal()) },
    ]);
    await h.settle();
    // A person deletes the key while the change waits for approval.
    aws.sim.state.users.get("svc-ci")?.keys.delete(LEAKED_KEY);
    expect(
      h.jira.decideApproval(
        await ticketId(h, "fp-br24"),
        "cab.alice",
        "approve",
      ),
    ).toBeNull();
    await h.settle();
    // The plan deletes the key a week after it deactivated it.
    h.clock.advance(8 * 24 * 3_600_000);
    aws.clock.advance(8 * 24 * 3_600_000);
    await h.settle();

    const record = await h.store.getFinding("fp-br24");
    const evidence = await h.store.getEvidence("fp-br24", record!.cycle);
    const actions = evidenceActions(evidence!.bytes);
    const [ticket] = await h.store.listTickets("fp-br24");
    expect(record?.state).toBe("closed");
    expect(ticket?.lifecycle).toBe("closed");
    expect(actions.map((a) => a.resultCode)).toContain("ALREADY_REVOKED");
    const gone = actions.find((a) => a.resultCode === "ALREADY_REVOKED");
    expect(gone?.detail["note"]).toBe(
      `not found at ${String(gone?.detail["notFoundAt"])}`,
    );
    expect(gone?.detail["notFoundAt"]).toMatch(/^\d{4}-\d\d-\d\dT/);
    // Each planned IAM call at most once: nothing is retried against a key that is gone.
    // One delete that answered NoSuchEntity, no deactivation of a key that is gone, no retry.
    expect(aws.sim.state.calls.filter((c) => MUTATIONS.has(c))).toEqual([
      "iam:DeleteAccessKey",
    ]);
    expect(h.logger.lines.filter((l) => l.event === "step.failed")).toEqual([]);
  });

  it("fails with KEY_OWNER_MISMATCH and reports nothing revoked when the key is another user's", async () => {
    const { aws, handlers } = awsFor("svc-deploy");
    aws.sim.state.users.get("svc-ci")?.keys.delete(LEAKED_KEY);
    h = await new RealItsmHarness(
      ["jira"],
      undefined,
      {},
      {
        targets: [aws.target],
        resolve: resolveAws,
      },
    ).start();
    h.server.use(...handlers);
    const finding = makeFinding({
      fingerprint: "fp-br24-owner",
      hints: { awsAccessKeyId: LEAKED_KEY },
    });
    await h.engine.ingest([
      { finding, secret: new SecretValue(LEAKED_SECRET.reveal()) },
    ]);
    await h.settle();
    const record = await h.store.getFinding("fp-br24-owner");
    // Resolved to its real owner at plan time: nothing is planned, no change is opened.
    expect(record?.state).toBe("unresolved");
    expect(record?.reason).toContain("KEY_OWNER_MISMATCH");
    expect(await h.store.listTickets("fp-br24-owner")).toEqual([]);
    expect(
      aws.sim.state.users.get("svc-deploy")?.keys.get(LEAKED_KEY)?.status,
    ).toBe("Active");
    expect(aws.sim.state.calls.filter((c) => MUTATIONS.has(c))).toEqual([]);
  });
});
