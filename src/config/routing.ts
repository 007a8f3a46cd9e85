import type { Finding } from "../domain/finding.js";
import type { Identity } from "../domain/identity.js";
import type { RoutingConfig, RoutingRule } from "./schema.js";

export interface Route {
  /** ITSM instance ids; the first is where the approval is read. */
  itsm: string[];
  jiraProject?: string;
}

/**
 * Which ITSM instances (and Jira project) a finding goes to: the first rule whose every condition
 * holds, else the default. A rule that asks about the identity never matches an unresolved one.
 */
export function routeFor(
  routing: RoutingConfig,
): (finding: Finding, identity: Identity | null) => Route {
  return (finding, identity) => {
    const rule = routing.rules.find((candidate) =>
      matches(candidate, finding, identity),
    );
    if (rule === undefined) return { itsm: [...routing.default] };
    const route: Route = { itsm: [...rule.itsm] };
    if (rule.jiraProject !== undefined) route.jiraProject = rule.jiraProject;
    return route;
  };
}

/** The ITSM instance ids only, as the engine asks for them. */
export function routeFinding(
  routing: RoutingConfig,
): (finding: Finding, identity: Identity | null) => string[] {
  const route = routeFor(routing);
  return (finding, identity) => route(finding, identity).itsm;
}

function matches(
  rule: RoutingRule,
  finding: Finding,
  identity: Identity | null,
): boolean {
  const { when } = rule;
  return (
    holds(when.detector, finding.detector) &&
    holds(when.kind, finding.kind) &&
    holds(when.targetId, identity?.targetId) &&
    holds(when.targetKind, identity?.targetKind) &&
    holds(when.owner, identity?.owner)
  );
}

function holds<T extends string>(
  expected: T | T[] | undefined,
  actual: T | undefined,
): boolean {
  if (expected === undefined) return true;
  if (actual === undefined) return false;
  return Array.isArray(expected)
    ? expected.includes(actual)
    : expected === actual;
}
