import type { Finding, IdentityHints } from "../domain/finding.js";
import type { Resolution, TargetKind } from "../domain/identity.js";
import { resolveByRules } from "./rules.js";
import type { MatchableTarget } from "./schema.js";

const PG_DEFAULT_PORT = 5432;

interface Candidate {
  kind: TargetKind;
  principal: string;
  /** What was looked for, in words, for the "unresolved" reason. */
  wanted: string;
  /** The hints name where (host, account, org, instance): match rules then stand back. */
  located: boolean;
  fits: (t: MatchableTarget) => boolean;
}

/**
 * Ties a finding to one configured target and a principal on it: by its hints first, then by the
 * targets' `match.rules`. Exactly one target must fit: two fitting targets are reported as
 * ambiguous rather than guessed, since the next step revokes.
 */
export function resolveIdentity(
  finding: Finding,
  targets: MatchableTarget[],
): Resolution {
  const candidates = candidatesFor(finding.hints);
  const reasons: string[] = [];
  for (const c of candidates) {
    const fitting = targets.filter((t) => t.kind === c.kind && c.fits(t));
    if (fitting.length === 1) {
      const target = fitting[0] as MatchableTarget;
      return {
        ok: true,
        identity: {
          targetId: target.id,
          targetKind: target.kind,
          principal: c.principal,
        },
      };
    }
    const ofKind = targets.filter((t) => t.kind === c.kind).map((t) => t.id);
    reasons.push(
      fitting.length > 1
        ? `${c.wanted} fits several targets (${fitting.map((t) => t.id).join(", ")})`
        : `no ${c.kind} target matches ${c.wanted} (checked: ${ofKind.join(", ") || "none"})`,
    );
  }

  const ruled = resolveByRules(finding, targets, candidates);
  if (ruled.kind === "resolved") return { ok: true, identity: ruled.identity };
  if (ruled.kind === "refused") reasons.push(ruled.reason);
  if (reasons.length === 0) {
    return unresolved(
      `no identity hints in the finding (detector ${finding.detector}); ` +
        "looked for a postgres connection, an AWS key or account, a GitHub token, " +
        "a Salesforce instance, a TLS endpoint, and a target's match.rules",
    );
  }
  return unresolved(reasons.join("; "));
}

function candidatesFor(h: IdentityHints): Candidate[] {
  const out: Candidate[] = [];
  if (h.postgres) {
    const pg = h.postgres;
    const port = pg.port ?? PG_DEFAULT_PORT;
    out.push({
      kind: "postgres",
      principal: pg.user,
      wanted: `host ${pg.host} port ${port}${pg.database ? ` database ${pg.database}` : ""}`,
      located: true,
      fits: (t) => {
        const hosts = [...(t.match?.hosts ?? []), ...(t.host ? [t.host] : [])];
        const ports = [...(t.match?.ports ?? []), ...(t.port ? [t.port] : [])];
        const dbs = t.match?.databases;
        return (
          hosts.some((host) => host.toLowerCase() === pg.host.toLowerCase()) &&
          (ports.length === 0
            ? port === PG_DEFAULT_PORT
            : ports.includes(port)) &&
          (dbs === undefined ||
            (pg.database !== undefined && dbs.includes(pg.database)))
        );
      },
    });
  }
  const account =
    h.awsAccountId ??
    /^arn:aws[\w-]*:iam::(\d{12}):/.exec(h.awsPrincipalArn ?? "")?.[1];
  const awsPrincipal = h.awsAccessKeyId ?? h.awsPrincipalArn;
  if (awsPrincipal) {
    out.push({
      kind: "aws-iam",
      principal: awsPrincipal,
      wanted: account
        ? `AWS account ${account}`
        : "an AWS key of an unknown account",
      located: account !== undefined,
      // With no account known, only a target that claims every account (no list) may take it.
      fits: (t) =>
        account
          ? (t.match?.awsAccountIds ?? []).includes(account)
          : t.match?.awsAccountIds === undefined,
    });
  }
  if (h.githubTokenType) {
    const org = h.githubRepository?.split("/")[0];
    out.push({
      kind: "github",
      principal: h.githubTokenType,
      wanted: org ? `GitHub org ${org}` : "a GitHub token of an unknown org",
      located: org !== undefined,
      fits: (t) =>
        org
          ? (t.match?.githubOrgs ?? []).includes(org)
          : t.match?.githubOrgs === undefined,
    });
  }
  if (h.salesforceInstance) {
    const instance = h.salesforceInstance;
    out.push({
      kind: "salesforce",
      principal: h.salesforceUser ?? h.principal ?? instance,
      wanted: `Salesforce instance ${instance}`,
      located: true,
      fits: (t) => (t.match?.salesforceInstances ?? []).includes(instance),
    });
  }
  if (h.certificateEndpoint) {
    const endpoint = h.certificateEndpoint;
    out.push({
      kind: "runbook",
      principal: endpoint,
      wanted: `endpoint ${endpoint}`,
      located: true,
      fits: (t) => (t.match?.endpoints ?? []).includes(endpoint),
    });
  }
  return out;
}

function unresolved(reason: string): Resolution {
  return { ok: false, unresolved: { reason } };
}
