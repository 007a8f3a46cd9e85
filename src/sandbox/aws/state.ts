/**
 * In-memory IAM account for the simulator: users, their access keys and policies. Only the
 * operations closeloop calls exist; everything else answers as an unknown action.
 */
export type KeyStatus = "Active" | "Inactive";

export interface SimKey {
  accessKeyId: string;
  status: KeyStatus;
  createDate: string;
}

export interface SimUser {
  userName: string;
  keys: Map<string, SimKey>;
  attachedPolicyArns: Set<string>;
  inlinePolicies: Map<string, string>;
}

export interface AwsSimState {
  accountId: string;
  users: Map<string, SimUser>;
  /**
   * Key ids STS keeps accepting after a delete or deactivation, with how many more calls: IAM is
   * eventually consistent and deleted keys were seen working for seconds (targets.md §3.4).
   */
  staleAccepts: Map<string, number>;
  /** Actions each managed policy allows, for SimulatePrincipalPolicy. */
  policyGrants: Map<string, string[]>;
  /** Every action received, `Service:Action`, for assertions and the demo's narration. */
  calls: string[];
  /** Key ids of other accounts, with their account, for STS GetAccessKeyInfo. */
  foreignKeys: Map<string, string>;
}

export interface AwsSimUserSeed {
  userName: string;
  keys?: { accessKeyId: string; status?: KeyStatus }[];
  attachedPolicyArns?: string[];
  inlinePolicies?: Record<string, string>;
}

export interface AwsSimSeed {
  accountId?: string;
  users?: AwsSimUserSeed[];
  policyGrants?: Record<string, string[]>;
  /** Keys that belong to other AWS accounts: key id → account id. */
  foreignKeys?: Record<string, string>;
}

export function createAwsSimState(seed: AwsSimSeed = {}): AwsSimState {
  const state: AwsSimState = {
    accountId: seed.accountId ?? "123456789012",
    users: new Map(),
    staleAccepts: new Map(),
    policyGrants: new Map(Object.entries(seed.policyGrants ?? {})),
    calls: [],
    foreignKeys: new Map(Object.entries(seed.foreignKeys ?? {})),
  };
  for (const user of seed.users ?? []) addSimUser(state, user);
  return state;
}

export function addSimUser(state: AwsSimState, seed: AwsSimUserSeed): void {
  const keys = new Map<string, SimKey>();
  for (const key of seed.keys ?? []) {
    keys.set(key.accessKeyId, {
      accessKeyId: key.accessKeyId,
      status: key.status ?? "Active",
      createDate: "2024-01-15T10:00:00Z",
    });
  }
  state.users.set(seed.userName, {
    userName: seed.userName,
    keys,
    attachedPolicyArns: new Set(seed.attachedPolicyArns ?? []),
    inlinePolicies: new Map(Object.entries(seed.inlinePolicies ?? {})),
  });
}

export function findKeyOwner(
  state: AwsSimState,
  accessKeyId: string,
): SimUser | undefined {
  for (const user of state.users.values()) {
    if (user.keys.has(accessKeyId)) return user;
  }
  return undefined;
}

/** IAM's decision for one action, modelling only `Deny *` and exact action names. */
export function decide(
  state: AwsSimState,
  user: SimUser,
  action: string,
): "allowed" | "explicitDeny" | "implicitDeny" {
  const statements = [...user.inlinePolicies.values()].flatMap(parseStatements);
  const denyAll =
    user.attachedPolicyArns.has("arn:aws:iam::aws:policy/AWSDenyAll") ||
    statements.some((s) => s.effect === "Deny" && s.actions.includes("*"));
  if (denyAll) return "explicitDeny";

  const managed = [...user.attachedPolicyArns].flatMap(
    (arn) => state.policyGrants.get(arn) ?? [],
  );
  const inline = statements
    .filter((s) => s.effect === "Allow")
    .flatMap((s) => s.actions);
  const allowed = [...managed, ...inline];
  return allowed.includes(action) || allowed.includes("*")
    ? "allowed"
    : "implicitDeny";
}

interface Statement {
  effect: string;
  actions: string[];
}

function parseStatements(document: string): Statement[] {
  const parsed = JSON.parse(document) as {
    Statement?: { Effect?: string; Action?: string | string[] }[];
  };
  return (parsed.Statement ?? []).map((s) => ({
    effect: s.Effect ?? "",
    actions: typeof s.Action === "string" ? [s.Action] : (s.Action ?? []),
  }));
}
