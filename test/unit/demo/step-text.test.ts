import { describe, expect, it } from "vitest";
import { describeStep } from "../../../src/demo/step-text.js";
import type { StepEvent } from "../../../src/engine/types.js";

function step(
  name: StepEvent["name"],
  detail: Record<string, unknown>,
): StepEvent {
  return {
    name,
    findingFingerprint: "f".repeat(64),
    state: "planned",
    detail,
    at: "2026-10-21T07:28:00.000Z",
  };
}

describe("demo step text", () => {
  it("labels a GitHub principal as the token type it is", () => {
    const github = describeStep(
      step("identity.resolved", {
        targetId: "github-acme",
        targetKind: "github",
        principal: "personal-access-token",
      }),
    );
    const postgres = describeStep(
      step("identity.resolved", {
        targetId: "pg-payments",
        targetKind: "postgres",
        principal: "svc_leaky",
      }),
    );

    expect(github.text).toBe(
      "tied the finding to token type personal-access-token on target github-acme",
    );
    expect(postgres.text).toBe(
      "tied the finding to svc_leaky on target pg-payments",
    );
  });

  it("lists each probe check once and says how many rounds were asked", () => {
    const probed = describeStep(
      step("verification.answered", {
        answer: "invalid",
        checks: [
          "iam.list-access-keys: invalid",
          "sts.get-caller-identity: invalid",
        ],
        rounds: 2,
      }),
    );

    expect(probed.text).toBe(
      "probed the target with the leaked credential: invalid " +
        "(iam.list-access-keys: invalid, sts.get-caller-identity: invalid; 2 rounds)",
    );
  });
});
