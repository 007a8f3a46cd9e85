/**
 * A finding: one credential (or one identity and risk) as closeloop knows it after ingest. It holds
 * no raw secret: only its hash, a masked preview and where it was seen.
 */
export type FindingStatus = "open" | "resolved" | "suppressed";

export type FindingKind = "secret" | "access" | "certificate";

export type Severity = "low" | "medium" | "high" | "critical";

export interface FindingLocation {
  /** The source format that reported this sighting, e.g. `gitleaks`, `secretlint`. */
  source: string;
  file?: string;
  /** The line the scanner reported: shown as such, never part of the identity (BR-03). */
  lineReported?: number;
  column?: number;
  commit?: string;
  repository?: string;
  url?: string;
  /** A cloud resource (ARN), a TLS endpoint, an alert URL: where the finding is when not a file. */
  resource?: string;
}

/**
 * What ingest could read about which identity the finding belongs to. Resolution rules in the
 * configuration turn these into an `Identity`; a finding never carries credentials for a target.
 */
export interface IdentityHints {
  postgres?: { host: string; port?: number; database?: string; user: string };
  awsAccessKeyId?: string;
  awsAccountId?: string;
  awsPrincipalArn?: string;
  githubTokenType?: string;
  githubRepository?: string;
  salesforceInstance?: string;
  salesforceUser?: string;
  certificateEndpoint?: string;
  /** A free-form principal name read from the source (a user name, a role ARN). */
  principal?: string;
}

export interface Finding {
  /** Stable over re-ingests and across sources: the finding's identity (see fingerprint.ts). */
  fingerprint: string;
  kind: FindingKind;
  /** The source format that first reported it. */
  source: string;
  /** Every source format that has reported it. */
  sources: string[];
  /** Normalised detector or rule, e.g. `aws-access-key`, `postgres-connection-string`. */
  detector: string;
  status: FindingStatus;
  title: string;
  severity: Severity;
  /** A masked preview: never enough of the value to use it. */
  preview: string;
  /** SHA-256 (hex) of the raw secret value, where the finding is a secret. */
  secretHash?: string;
  locations: FindingLocation[];
  /**
   * Sightings past the first MAX_LOCATIONS_PER_FINDING places (domain/sightings.ts), counted but
   * not kept; a place seen again past the cap counts again. Absent when every place is kept.
   */
  locationsOmitted?: number;
  hints: IdentityHints;
  tags: string[];
  /** ISO-8601 time the source says it was found, or the ingest time. */
  detectedAt: string;
}
