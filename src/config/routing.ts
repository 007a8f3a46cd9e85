import type { Finding } from "../domain/finding.js";
import type { Identity, Unresolved } from "../domain/identity.js";
import type { ItsmKind } from "../itsm/types.js";
import type {
  Config,
  RoutingConfig,
  RoutingRule,
  UnresolvedRouting,
  UnresolvedRule,
} from "./schema.js";

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

/**
 * Where a finding that resolves to no target gets its manual-remediation ticket (by detector, kind
 * and the owner ownership rules found), or null: no `routing.unresolved` route fits, and the
 * finding stays `unresolved`.
 */
export function routeUnresolvedFor(
  routing: RoutingConfig,
): (finding: Finding, unresolved: Unresolved) => Route | null {
  const config = routing.unresolved;
  return (finding, unresolved) => {
    if (config === undefined) return null;
    const rule = config.rules.find((candidate) =>
      matchesUnresolved(candidate, finding, unresolved),
    );
    const chosen = rule ?? config;
    if (chosen.itsm === undefined) return null;
    const route: Route = { itsm: [...chosen.itsm] };
    if (chosen.jiraProject !== undefined)
      route.jiraProject = chosen.jiraProject;
    return route;
  };
}

/** Every ITSM instance id `routing.unresolved` may send a manual ticket to. */
export function unresolvedInstances(routing: RoutingConfig): string[] {
  const config: UnresolvedRouting | undefined = routing.unresolved;
  if (config === undefined) return [];
  const ids = [...(config.itsm ?? []), ...config.rules.flatMap((r) => r.itsm)];
  return [...new Set(ids)];
}

/** The ITSM kinds `routing.unresolved` sends manual tickets to: their manual mapping must exist. */
export function unresolvedKinds(
  config: Pick<Config, "itsm" | "routing">,
): ItsmKind[] {
  const ids = new Set(unresolvedInstances(config.routing));
  const kinds = config.itsm
    .filter((instance) => ids.has(instance.id))
    .map((instance): ItsmKind => instance.kind);
  return [...new Set(kinds)];
}

function matchesUnresolved(
  rule: UnresolvedRule,
  finding: Finding,
  unresolved: Unresolved,
): boolean {
  const { when } = rule;
  return (
    holds(when.detector, finding.detector) &&
    holds(when.kind, finding.kind) &&
    holds(when.owner, unresolved.owner)
  );
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
