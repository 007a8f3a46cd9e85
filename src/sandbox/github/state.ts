/** In-memory GitHub for the simulator: tokens, deploy keys and secret-scanning alerts. */
export interface SimToken {
  login: string;
  active: boolean;
  /** `ghs_` installation tokens authenticate `/installation/*`, not `/user`. */
  installation: boolean;
}

export interface SimDeployKey {
  id: number;
  key: string;
  title: string;
  read_only: boolean;
  verified: boolean;
  created_at: string;
}

export interface SimAlert {
  number: number;
  state: "open" | "resolved";
  resolution: string | null;
  resolution_comment: string | null;
  resolved_at: string | null;
  secret_type: string;
  validity: "active" | "inactive" | "unknown";
}

export interface GithubSimState {
  /** Tokens by value: only the simulator ever holds them. */
  tokens: Map<string, SimToken>;
  /** `owner/repo` → key id → key. */
  deployKeys: Map<string, Map<number, SimDeployKey>>;
  /** `owner/repo#number` → alert. */
  alerts: Map<string, SimAlert>;
  /** GitHub updates `validity` on its own schedule; the simulator does it on revoke. */
  alertTokens: Map<string, string>;
  calls: string[];
}

export interface GithubSimSeed {
  tokens?: { value: string; login: string; active?: boolean }[];
  deployKeys?: { repo: string; id: number; key: string; title?: string }[];
  alerts?: {
    repo: string;
    number: number;
    token?: string;
    validity?: SimAlert["validity"];
  }[];
}

export function createGithubSimState(seed: GithubSimSeed = {}): GithubSimState {
  const state: GithubSimState = {
    tokens: new Map(),
    deployKeys: new Map(),
    alerts: new Map(),
    alertTokens: new Map(),
    calls: [],
  };
  for (const token of seed.tokens ?? []) {
    state.tokens.set(token.value, {
      login: token.login,
      active: token.active ?? true,
      installation: token.value.startsWith("ghs_"),
    });
  }
  for (const key of seed.deployKeys ?? []) {
    const keys =
      state.deployKeys.get(key.repo) ?? new Map<number, SimDeployKey>();
    keys.set(key.id, {
      id: key.id,
      key: key.key,
      title: key.title ?? "deploy",
      read_only: true,
      verified: true,
      created_at: "2024-01-15T10:00:00Z",
    });
    state.deployKeys.set(key.repo, keys);
  }
  for (const alert of seed.alerts ?? []) {
    const id = `${alert.repo}#${alert.number}`;
    state.alerts.set(id, {
      number: alert.number,
      state: "open",
      resolution: null,
      resolution_comment: null,
      resolved_at: null,
      secret_type: "github_personal_access_token",
      validity: alert.validity ?? "active",
    });
    if (alert.token !== undefined) state.alertTokens.set(id, alert.token);
  }
  return state;
}

/** Marks a token dead and the alerts about it inactive. */
export function revokeSimToken(state: GithubSimState, value: string): void {
  const token = state.tokens.get(value);
  if (token !== undefined) token.active = false;
  for (const [id, alertToken] of state.alertTokens) {
    const alert = state.alerts.get(id);
    if (alertToken === value && alert !== undefined)
      alert.validity = "inactive";
  }
}
