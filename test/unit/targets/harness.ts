import type { Finding, FindingKind } from "../../../src/domain/finding.js";
import type { Identity, TargetKind } from "../../../src/domain/identity.js";
import { makePlan, type PlannedAction } from "../../../src/domain/plan.js";
import type { Plan } from "../../../src/domain/plan.js";
import type { SecretValue } from "../../../src/domain/secret.js";
import { silentLogger } from "../../../src/logging/logger.js";
import type {
  TargetAdapter,
  TargetContext,
} from "../../../src/targets/types.js";

/** A clock tests move by hand; sleeping advances it instead of waiting. */
export function manualClock(start = "2026-03-02T10:00:00.000Z") {
  let current = Date.parse(start);
  return {
    now: () => new Date(current),
    advance: (ms: number) => {
      current += ms;
    },
    sleep: (ms: number) => {
      current += ms;
      return Promise.resolve();
    },
  };
}

export function makeFinding(
  overrides: Partial<Finding> & { kind?: FindingKind } = {},
): Finding {
  return {
    fingerprint: "fp-0001",
    kind: "secret",
    source: "gitleaks",
    sources: ["gitleaks"],
    detector: "aws-access-key",
    status: "open",
    title: "AWS access key in deploy script",
    severity: "critical",
    preview: "AKIA********MPLE",
    locations: [{ source: "gitleaks", file: "deploy.sh" }],
    hints: {},
    tags: [],
    detectedAt: "2026-03-01T09:00:00.000Z",
    ...overrides,
  };
}

export function makeIdentity(
  targetId: string,
  targetKind: TargetKind,
  principal: string,
): Identity {
  return { targetId, targetKind, principal };
}

export function makeContext(
  finding: Finding,
  identity: Identity,
  secret: SecretValue | null,
): TargetContext {
  return { finding, identity, secret, logger: silentLogger };
}

export function planOf(
  target: TargetAdapter,
  identity: Identity,
  finding: Finding,
): Plan {
  const actions: PlannedAction[] = target.plan(identity, finding);
  return makePlan({
    findingFingerprint: finding.fingerprint,
    targetId: target.id,
    targetKind: target.kind,
    principal: identity.principal,
    actions,
  });
}

export function actionOf(plan: Plan, kind: string): PlannedAction {
  const action = plan.actions.find((a) => a.kind === kind);
  if (action === undefined) throw new Error(`plan has no ${kind} action`);
  return action;
}
