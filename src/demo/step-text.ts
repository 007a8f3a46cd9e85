import { assertNever } from "../domain/errors.js";
import type { StepEvent } from "../engine/types.js";
import type { DemoFields } from "./reporter.js";

/**
 * One engine step as the demo prints it. The engine's step details never hold a secret (the
 * closure contract); they are passed through as facts.
 */
export function describeStep(event: StepEvent): {
  event: string;
  text: string;
  fields: DemoFields;
} {
  const ticket = event.ticket?.key;
  const fields: DemoFields = {
    finding: event.findingFingerprint.slice(0, 12),
    state: event.state,
    ...(ticket === undefined ? {} : { change: ticket }),
    ...event.detail,
    at: event.at,
  };
  return {
    event: event.name,
    text: textOf(event, ticket ?? "the ticket", systemOf(event)),
    fields,
  };
}

/** Where the ticket lives, as a person names it. */
function systemOf(event: StepEvent): string {
  return event.ticket?.itsm === "jira" ? "Jira" : "ServiceNow";
}

function list(value: unknown): string {
  return Array.isArray(value) ? value.map(String).join(", ") : "?";
}

function textOf(event: StepEvent, ticket: string, system: string): string {
  const d = event.detail;
  const str = (key: string): string => {
    const value = d[key];
    return typeof value === "string" || typeof value === "number"
      ? String(value)
      : "?";
  };
  switch (event.name) {
    case "finding.ingested":
      return "closeloop stored the finding (hash and masked preview only; the value is sealed)";
    case "identity.resolved":
      return `tied the finding to ${principalOf(d)} on target ${str("targetId")}`;
    case "plan.created":
      return `planned ${list(d.actions)} (plan hash ${str("planHash").slice(0, 12)}…)`;
    case "ticket.created":
      return system === "Jira"
        ? `opened issue ${ticket} in Jira`
        : `opened change ${ticket} in ServiceNow`;
    case "approval.requested":
      return `asked for approval of ${ticket} in ${system}; waiting for a person`;
    case "work.started":
      return (
        `${ticket} approved by someone else, plan hash matches: moved to ` +
        (system === "Jira" ? "In Progress" : "Implement")
      );
    case "approval.read":
      return `read the approval of ${ticket} back from ${system}: ${list(d.approvers)}`;
    case "action.executed":
      return (
        `action ${str("actionId")}: ` +
        `${str("resultCode").toLowerCase().replace(/_/g, " ")} (${str("outcome")})`
      );
    case "verification.answered":
      return (
        `probed the target with the leaked credential: ${str("answer")} ` +
        `(${list(d.checks)}${roundsOf(d)})`
      );
    case "evidence.attached":
      return (
        `attached the signed evidence to ${ticket} and read it back ` +
        `(sha256 ${str("sha256").slice(0, 16)}…)`
      );
    case "ticket.closed":
      return system === "Jira"
        ? `moved ${ticket} to Done, pointing to the evidence`
        : `closed ${ticket} as successful, pointing to the evidence`;
    case "finding.regression":
      return "the finding came back after closure: a new cycle, linked to the old change";
    case "manual.requested":
      return (
        `no target fits: opened ${ticket} in ${system} ` +
        `for a person to remediate${reasonOf(d)}`
      );
    case "manual.closed":
      return `${ticket} was closed by a person: no proof the credential is gone`;
    case "manual.resumed":
      return `the finding now resolves to target ${str("targetId")}: planning a change of its own`;
    case "identity.unresolved":
    case "approval.blocked":
    case "approval.rejected":
    case "approval.canceled":
    case "window.expired":
    case "action.failed":
    case "verification.still_valid":
    case "ticket.lost":
    case "step.failed":
      return `${event.name} on ${ticket} (${event.state})${reasonOf(d)}`;
    default:
      return assertNever(event.name, "step event");
  }
}

/**
 * The principal as a person reads it. A GitHub finding's principal is the token's type
 * (personal-access-token, deploy-key:N): closeloop does not know the token's owner.
 */
function principalOf(detail: Record<string, unknown>): string {
  const principal =
    typeof detail.principal === "string" ? detail.principal : "?";
  if (detail.targetKind !== "github") return principal;
  const deployKey = /^deploy-key[:/](\d+)$/.exec(principal);
  if (deployKey !== null) return `deploy key ${deployKey[1]}`;
  return `token type ${principal}`;
}

/** "; 2 rounds" when the probe asked more than once (each check is listed once). */
function roundsOf(detail: Record<string, unknown>): string {
  const rounds = detail.rounds;
  return typeof rounds === "number" && rounds > 1 ? `; ${rounds} rounds` : "";
}

function reasonOf(detail: Record<string, unknown>): string {
  const reason = detail.reason ?? detail.message ?? detail.code;
  return typeof reason === "string" ? `: ${reason}` : "";
}
