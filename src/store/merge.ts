import type {
  Finding,
  FindingLocation,
  FindingStatus,
  Severity,
} from "../domain/finding.js";
import { canonicalJson } from "../domain/plan.js";
import { MAX_LOCATIONS_PER_FINDING } from "../domain/sightings.js";

const SEVERITY_RANK: Record<Severity, number> = {
  low: 0,
  medium: 1,
  high: 2,
  critical: 3,
};

function union<T>(a: T[], b: T[], keyOf: (v: T) => string): T[] {
  const seen = new Set(a.map(keyOf));
  const out = [...a];
  for (const v of b) {
    const key = keyOf(v);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(v);
  }
  return out;
}

const locationKey = (l: FindingLocation): string => canonicalJson(l);

/**
 * One finding reported again (by another source, or the same report re-read): the places and
 * sources are unioned, the first sighting's facts kept, the higher severity wins. A report that
 * stops mentioning a finding proves nothing (BR-01); one that marks it resolved or suppressed
 * does not close an open one either (only proof from the target does), but a finding no source
 * had open becomes open as soon as one reports it open.
 */
export function mergeFinding(existing: Finding, incoming: Finding): Finding {
  const severity =
    SEVERITY_RANK[incoming.severity] > SEVERITY_RANK[existing.severity]
      ? incoming.severity
      : existing.severity;
  const merged: Finding = {
    ...existing,
    severity,
    status: mergedStatus(existing.status, incoming.status),
    sources: union(existing.sources, incoming.sources, String),
    locations: union(existing.locations, incoming.locations, locationKey),
    tags: union(existing.tags, incoming.tags, String),
    hints: { ...incoming.hints, ...existing.hints },
    detectedAt:
      incoming.detectedAt < existing.detectedAt
        ? incoming.detectedAt
        : existing.detectedAt,
  };
  const secretHash = existing.secretHash ?? incoming.secretHash;
  if (secretHash !== undefined) merged.secretHash = secretHash;
  capLocations(merged, existing, incoming);
  return merged;
}

/**
 * Keeps the first MAX_LOCATIONS_PER_FINDING places. The same report read again counts its omitted
 * sightings again: the larger count is kept, plus the new places that did not fit.
 */
function capLocations(
  merged: Finding,
  existing: Finding,
  incoming: Finding,
): void {
  const dropped = Math.max(
    0,
    merged.locations.length - MAX_LOCATIONS_PER_FINDING,
  );
  if (dropped > 0)
    merged.locations = merged.locations.slice(0, MAX_LOCATIONS_PER_FINDING);
  const omitted =
    Math.max(existing.locationsOmitted ?? 0, incoming.locationsOmitted ?? 0) +
    dropped;
  if (omitted > 0) merged.locationsOmitted = omitted;
}

function mergedStatus(
  existing: FindingStatus,
  incoming: FindingStatus,
): FindingStatus {
  return existing === "open" || incoming === "open" ? "open" : incoming;
}

/**
 * After closure, the same report read again is not a regression: the leak is still in history.
 * A sighting at a place not seen before is. (The source's date is not used: several formats only
 * carry the ingest time, which would make every re-read look new.)
 */
export function isReappearance(existing: Finding, incoming: Finding): boolean {
  // A sighting the source itself reports resolved or suppressed is history, not a new leak.
  if (incoming.status !== "open") return false;
  const known = new Set(existing.locations.map(locationKey));
  return incoming.locations.some((l) => !known.has(locationKey(l)));
}
