import type { Finding } from "../domain/finding.js";
import type { Identity, TargetKind } from "../domain/identity.js";
import { globToRegExp, repoPath } from "./glob.js";
import type { IdentityRule, MatchableTarget } from "./schema.js";

/** What the finding's own hints said about one target kind. */
export interface KindHint {
  kind: TargetKind;
  principal: string;
  /** The hints name where (a host, an account, an org, an instance), not only who. */
  located: boolean;
}

export type RuleResolution =
  | { kind: "none" }
  | { kind: "resolved"; identity: Identity }
  | { kind: "refused"; reason: string };

/** Every condition the rule gives holds for the finding. */
export function ruleFits(rule: IdentityRule, finding: Finding): boolean {
  if (rule.detector !== undefined && rule.detector !== finding.detector) {
    return false;
  }
  if (
    rule.source !== undefined &&
    finding.source !== rule.source &&
    !finding.sources.includes(rule.source)
  ) {
    return false;
  }
  if (rule.pathGlob !== undefined) {
    const glob = globToRegExp(rule.pathGlob);
    const files = finding.locations.flatMap((l) =>
      l.file === undefined ? [] : [repoPath(l.file)],
    );
    if (!files.some((file) => glob.test(file))) return false;
  }
  return true;
}

/**
 * The targets' `match.rules`, for a finding its hints did not tie to a target. A rule never
 * overrides what the finding says itself: where its hints name a host, account, org or instance of
 * a kind, only the target's match decides for that kind. Two targets whose rules fit are reported,
 * not guessed between, since the next step revokes.
 */
export function resolveByRules(
  finding: Finding,
  targets: MatchableTarget[],
  hinted: KindHint[],
): RuleResolution {
  const located = new Set(hinted.filter((h) => h.located).map((h) => h.kind));
  const fitting: { target: MatchableTarget; rule: IdentityRule; n: number }[] =
    [];
  const skipped: string[] = [];
  for (const target of targets) {
    const rules = target.match?.rules ?? [];
    const n = rules.findIndex((rule) => ruleFits(rule, finding));
    const rule = rules[n];
    if (rule === undefined) continue;
    if (located.has(target.kind)) skipped.push(target.id);
    else fitting.push({ target, rule, n });
  }

  if (fitting.length > 1) {
    const ids = fitting.map((f) => f.target.id).join(", ");
    return {
      kind: "refused",
      reason: `match.rules of several targets fit (${ids}); narrow them so one does`,
    };
  }
  const [only] = fitting;
  if (only === undefined && skipped.length === 0) return { kind: "none" };
  if (only === undefined) {
    return {
      kind: "refused",
      reason:
        `the match.rules of ${skipped.join(", ")} fit, but the finding names its own ` +
        "location, which their match does not claim",
    };
  }

  const { target, rule, n } = only;
  const principal =
    rule.principal ??
    hinted.find((h) => h.kind === target.kind)?.principal ??
    finding.hints.principal;
  if (principal === undefined) {
    return {
      kind: "refused",
      reason:
        `target ${target.id} match.rules[${n}] fits but names no principal, ` +
        "and the finding has none: set its principal",
    };
  }
  return {
    kind: "resolved",
    identity: { targetId: target.id, targetKind: target.kind, principal },
  };
}
