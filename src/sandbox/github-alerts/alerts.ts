/** A secret scanning alert as the REST API returns it (reference §3; fixture `*_one_vul.json`). */
export type RestAlert = Record<string, unknown> & {
  number: number;
  state: "open" | "resolved";
  repository: { full_name: string } & Record<string, unknown>;
};

export interface AlertSeed {
  /** `owner/name`. */
  repository: string;
  number: number;
  state?: "open" | "resolved";
  resolution?: string | null;
  /** The raw value GitHub holds; left out of responses that ask `hide_secret=true`. */
  secret?: string;
  secretType?: string;
  secretTypeDisplayName?: string;
  validity?: "active" | "inactive" | "unknown";
  path?: string;
  line?: number;
  createdAt?: string;
}

/** Builds an alert with the fields and shape of the documented example. */
export function makeAlert(
  seed: AlertSeed,
  host = "https://api.github.com",
): RestAlert {
  const [owner = "", name = ""] = seed.repository.split("/");
  const api = `${host}/repos/${seed.repository}/secret-scanning/alerts/${seed.number}`;
  const state = seed.state ?? "open";
  return {
    number: seed.number,
    created_at: seed.createdAt ?? "2026-03-01T09:00:00Z",
    updated_at: seed.createdAt ?? "2026-03-01T09:00:00Z",
    url: api,
    html_url: `https://github.com/${seed.repository}/security/secret-scanning/${seed.number}`,
    locations_url: `${api}/locations`,
    state,
    resolution: state === "resolved" ? (seed.resolution ?? "revoked") : null,
    resolved_at: state === "resolved" ? "2026-03-02T09:00:00Z" : null,
    resolved_by: null,
    secret_type: seed.secretType ?? "github_personal_access_token",
    secret_type_display_name:
      seed.secretTypeDisplayName ?? "GitHub Personal Access Token",
    secret:
      seed.secret ?? `ghp_SandboxAlert${String(seed.number).padStart(24, "0")}`,
    repository: {
      id: 1296269,
      name,
      full_name: seed.repository,
      owner: { login: owner, type: "Organization" },
      private: true,
      html_url: `https://github.com/${seed.repository}`,
    },
    push_protection_bypassed: false,
    push_protection_bypassed_by: null,
    push_protection_bypassed_at: null,
    resolution_comment: null,
    validity: seed.validity ?? "active",
    publicly_leaked: false,
    multi_repo: false,
    is_base64_encoded: false,
    first_location_detected: {
      path: seed.path ?? "config/app.env",
      start_line: seed.line ?? 3,
      end_line: seed.line ?? 3,
      start_column: 1,
      end_column: 41,
      blob_sha: "af5626b4a114abcb82d63db7c8082c3c4756e51b",
      commit_sha: "f14d7debf9775f957cf4f1e8176da0786431f72b",
    },
    has_more_locations: false,
  };
}

/**
 * The `secret_scanning_alert` webhook body ([OW] payload examples): a thin alert (no state, no
 * secret, no display name) beside the repository.
 */
export function alertWebhookPayload(
  action: "created" | "reopened" | "resolved" | "revoked" | "validated",
  alert: RestAlert,
): Record<string, unknown> {
  const resolved = action === "resolved" || action === "revoked";
  return {
    action,
    alert: {
      number: alert.number,
      secret_type: alert.secret_type,
      resolution: resolved ? (alert.resolution ?? "revoked") : null,
      resolved_by: null,
      resolved_at: resolved ? alert.resolved_at : null,
    },
    repository: alert.repository,
    sender: { login: "octocat", type: "User" },
  };
}
