import type { Finding } from "../domain/finding.js";

/**
 * The line `closeloop ingest --dry-run --json` prints for a finding. Built from an allow-list of
 * fields, so nothing added to `Finding` later reaches the output unreviewed.
 */
export function findingToDryRunJson(f: Finding): Record<string, unknown> {
  return {
    fingerprint: f.fingerprint,
    kind: f.kind,
    source: f.source,
    sources: f.sources,
    detector: f.detector,
    status: f.status,
    severity: f.severity,
    title: f.title,
    preview: f.preview,
    ...(f.secretHash ? { secretHash: f.secretHash } : {}),
    locations: f.locations.map((l) => ({ ...l })),
    ...(f.locationsOmitted ? { locationsOmitted: f.locationsOmitted } : {}),
    hints: f.hints,
    tags: f.tags,
    detectedAt: f.detectedAt,
  };
}
