import type { Finding } from "../domain/finding.js";
import type { Sightings } from "../domain/sightings.js";

type Shell = Omit<Finding, "locations" | "locationsOmitted">;

/**
 * The line `closeloop ingest --dry-run --json` prints for a finding. Built from an allow-list of
 * fields, so nothing added to `Finding` later reaches the output unreviewed.
 */
export function findingToDryRunJson(f: Finding): Record<string, unknown> {
  return {
    ...fieldsBefore(f),
    locations: f.locations.map((l) => ({ ...l })),
    ...(f.locationsOmitted ? { locationsOmitted: f.locationsOmitted } : {}),
    ...fieldsAfter(f),
  };
}

/**
 * The text of `findingToDryRunJson(s.toFinding())`, from the same allow-list, without building
 * the location objects: the location keys are their JSON already (see locationKey).
 */
export function dryRunJsonLine(s: Sightings): string {
  const before = JSON.stringify(fieldsBefore(s.shell));
  const after = JSON.stringify(fieldsAfter(s.shell));
  return `${before.slice(0, -1)},${s.locationMembersJson()},${after.slice(1)}`;
}

/** The allowed fields that come before the locations, in the order printed. */
function fieldsBefore(f: Shell): Record<string, unknown> {
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
  };
}

/** The allowed fields that come after the locations. */
function fieldsAfter(f: Shell): Record<string, unknown> {
  return { hints: f.hints, tags: f.tags, detectedAt: f.detectedAt };
}
