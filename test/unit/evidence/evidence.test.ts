import { describe, expect, it } from "vitest";
import {
  buildEvidence,
  evidenceFileName,
} from "../../../src/evidence/document.js";
import { EvidenceSigner } from "../../../src/evidence/signer.js";
import {
  verifyEvidence,
  verifyEvidenceChain,
} from "../../../src/evidence/verify.js";
import { makePlan } from "../../../src/domain/plan.js";
import { sha256Hex } from "../../../src/domain/secret.js";
import { makeFinding } from "../../helpers/fakes/findings.js";

function input() {
  const finding = makeFinding("ev");
  const ref = {
    itsm: "servicenow" as const,
    instance: "snow",
    id: "s1",
    key: "CHG0030001",
  };
  return {
    finding,
    cycle: 1,
    identity: {
      targetId: "pg",
      targetKind: "postgres" as const,
      principal: "svc_ev",
    },
    plan: makePlan({
      findingFingerprint: finding.fingerprint,
      targetId: "pg",
      targetKind: "postgres",
      principal: "svc_ev",
      actions: [],
    }),
    approval: {
      status: "approved" as const,
      ticketState: "-1",
      inImplementation: true,
      readyForWork: true,
      onHold: false,
      approvers: [{ userId: "u1", state: "approved" as const, recordId: "r1" }],
      window: {},
      planHash: "h",
      readAt: "2026-05-04T09:00:00.000Z",
    },
    approvalTicket: ref,
    tickets: [ref],
    regressionOf: [],
    actions: [],
    probes: [],
    createdAt: "2026-05-04T09:00:00.000Z",
  };
}

describe("evidence documents", () => {
  const signer = EvidenceSigner.generate();

  it("verifies against the published public key and fails once a byte changes", () => {
    const built = buildEvidence(input(), null, signer);
    const tampered = Buffer.from(
      built.bytes.toString("utf8").replace("svc_ev", "svc_xx"),
    );

    expect(built.sha256).toBe(sha256Hex(built.bytes));
    expect(verifyEvidence(built.bytes, signer.publicKeyPem())).toEqual({
      ok: true,
    });
    expect(verifyEvidence(tampered, signer.publicKeyPem()).ok).toBe(false);
    expect(
      verifyEvidence(built.bytes, EvidenceSigner.generate().publicKeyPem()).ok,
    ).toBe(false);
  });

  it("links each document to the hash of the one before", () => {
    const first = buildEvidence(input(), null, signer);
    const second = buildEvidence(input(), first.sha256, signer);
    const forged = buildEvidence(input(), "0".repeat(64), signer);

    expect(
      verifyEvidenceChain([first.bytes, second.bytes], signer.publicKeyPem())
        .ok,
    ).toBe(true);
    expect(
      verifyEvidenceChain([first.bytes, forged.bytes], signer.publicKeyPem()),
    ).toEqual({
      ok: false,
      problem: "document 1: chain broken",
    });
  });

  it("holds no secret hash and a summary a person can read", () => {
    const built = buildEvidence(input(), null, signer);
    const doc = JSON.parse(built.bytes.toString("utf8")) as {
      finding: Record<string, unknown>;
    };

    expect(doc.finding["secretHash"]).toBeUndefined();
    expect(built.summary).toMatch(/^# closeloop evidence/);
    expect(built.summary).toContain("svc_ev on pg");
  });

  it("names files in ASCII from the ticket key and the fingerprint", () => {
    expect(evidenceFileName("SEC-12/ü", "abcdef0123456789")).toBe(
      "evidence-SEC-12__-abcdef012345.json",
    );
  });
});
