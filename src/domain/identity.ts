export type TargetKind =
  "postgres" | "salesforce" | "aws-iam" | "github" | "runbook";

/** Which target system and which principal on it a finding belongs to, and who owns it. */
export interface Identity {
  /** The id of a target in the configuration, e.g. `pg-prod`. */
  targetId: string;
  targetKind: TargetKind;
  /** The principal on that target: a role, a user name, an access key id, a token type. */
  principal: string;
  /** The owning team, where ownership rules found one. */
  owner?: string;
}

/** Why a finding could not be tied to an identity: shown in `closeloop status`. */
export interface Unresolved {
  reason: string;
  /** The owning team ownership rules found without a target (a path rule, CODEOWNERS). */
  owner?: string;
}

export type Resolution =
  { ok: true; identity: Identity } | { ok: false; unresolved: Unresolved };
