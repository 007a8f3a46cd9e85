import { createHash } from "node:crypto";
import type { Finding } from "../../../src/domain/finding.js";
import type { Identity, Resolution } from "../../../src/domain/identity.js";
import { maskSecret, SecretValue } from "../../../src/domain/secret.js";
import type { Sightings } from "../../../src/domain/sightings.js";

/** A value that must never be seen outside custody and the probe; tests grep for it. */
export const CANARY = "pg-CANARY-s3cr3t-7f1d2c9e4b";

export function fingerprintOf(seed: string): string {
  return createHash("sha256").update(seed).digest("hex");
}

/** A secret finding for a PostgreSQL role; `seed` makes a distinct fingerprint. */
export function makeFinding(
  seed = "f1",
  overrides: Partial<Finding> = {},
): Finding {
  return {
    fingerprint: fingerprintOf(seed),
    kind: "secret",
    source: "gitleaks",
    sources: ["gitleaks"],
    detector: "postgres-connection-string",
    status: "open",
    title: `PostgreSQL password of svc_${seed} in config`,
    severity: "high",
    preview: maskSecret(CANARY),
    secretHash: createHash("sha256").update(CANARY).digest("hex"),
    locations: [
      { source: "gitleaks", file: "config/app.env", lineReported: 3 },
    ],
    hints: { postgres: { host: "127.0.0.1", user: `svc_${seed}` } },
    tags: [],
    detectedAt: "2026-05-01T10:00:00.000Z",
    ...overrides,
  };
}

export function makeRecord(seed = "f1", secret: string | null = CANARY) {
  return {
    finding: makeFinding(seed),
    secret: secret === null ? null : new SecretValue(secret),
  };
}

/** Resolves every finding with PostgreSQL hints to `targetId`; anything else stays unresolved. */
export function resolveTo(targetId: string): (f: Finding) => Resolution {
  return (f) => {
    const user = f.hints.postgres?.user;
    if (user === undefined)
      return {
        ok: false,
        unresolved: { reason: "no PostgreSQL user in the finding" },
      };
    const identity: Identity = {
      targetId,
      targetKind: "postgres",
      principal: user,
    };
    return { ok: true, identity };
  };
}

/** The finding that Sightings' two pieces of JSON (see Sightings.shellJson) make together. */
export function findingOfJsonParts(s: Sightings): Finding {
  return {
    ...(JSON.parse(s.shellJson()) as Finding),
    locations: JSON.parse(s.locationsJson()) as Finding["locations"],
  };
}
