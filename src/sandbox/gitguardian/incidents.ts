/** A secret incident as `GET /v1/incidents/secrets` lists it (reference §4; [GGM] cassette). */
export type GgIncident = Record<string, unknown> & {
  id: number;
  status: "TRIGGERED" | "ASSIGNED" | "RESOLVED" | "IGNORED";
};

export interface IncidentSeed {
  id: number;
  status?: GgIncident["status"];
  detector?: string;
  detectorDisplayName?: string;
  severity?: "critical" | "high" | "medium" | "low" | "info" | "unknown";
  validity?:
    "valid" | "invalid" | "failed_to_check" | "cannot_check" | "no_checker";
  date?: string;
}

/** Builds an incident with the fields of the recorded list response; the API has no raw value. */
export function makeIncident(seed: IncidentSeed): GgIncident {
  const status = seed.status ?? "TRIGGERED";
  const date = seed.date ?? "2026-03-01T09:00:00.000000Z";
  return {
    id: seed.id,
    detector: {
      name: seed.detector ?? "aws_iam",
      display_name: seed.detectorDisplayName ?? "AWS IAM Keys",
      nature: "specific",
      family: "credentials",
      category: "cloud_provider",
      detector_group_name: seed.detector ?? "aws_iam",
      detector_group_display_name: seed.detectorDisplayName ?? "AWS IAM Keys",
    },
    date,
    secret_id: 70000 + seed.id,
    secret_hash: `SandboxSecretHash${seed.id}`,
    occurrences_count: 1,
    status,
    triggered_at: date,
    resolved_at: status === "RESOLVED" ? date : null,
    ignored_at: status === "IGNORED" ? date : null,
    ignore_reason: status === "IGNORED" ? "test_credential" : null,
    secret_revoked: status === "RESOLVED",
    validity: seed.validity ?? "valid",
    severity: seed.severity ?? "high",
    assignee_email: null,
    risk_score: 80,
    occurrences: null,
    regression: false,
    gitguardian_url: `https://dashboard.gitguardian.com/workspace/8/incidents/${seed.id}`,
    tags: ["REVOCABLE_BY_GG"],
    incident_name: seed.detectorDisplayName ?? "AWS IAM Keys",
    destination_tickets: [],
  };
}
