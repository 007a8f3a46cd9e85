import type {
  Finding,
  FindingLocation,
  FindingStatus,
  Severity,
} from "./finding.js";

/**
 * Places kept per finding. A secret committed to a template is seen in every copy of it: past this
 * many places the rest are counted in `locationsOmitted`, not kept, so one finding stays a bounded
 * row (and a bounded ticket) however often a report repeats it.
 */
export const MAX_LOCATIONS_PER_FINDING = 1000;

const STATUS_RANK: Record<FindingStatus, number> = {
  open: 2,
  suppressed: 1,
  resolved: 0,
};
const SEVERITY_RANK: Record<Severity, number> = {
  low: 0,
  medium: 1,
  high: 2,
  critical: 3,
};

/** The identity of a place: two sightings at the same one are one location. */
export function locationKey(l: FindingLocation): string {
  return JSON.stringify([
    l.source,
    l.file,
    l.lineReported,
    l.column,
    l.commit,
    l.repository,
    l.url,
    l.resource,
  ]);
}

/**
 * One finding merged in place with further sightings of it from the same read: every location up
 * to the cap, every source and tag, the earliest detection. It stays open while any sighting is
 * open: one cleaned-up copy does not make the credential safe. The finding given is adopted (its
 * arrays grow), not copied: a large report repeats one secret thousands of times.
 */
export class Sightings {
  readonly finding: Finding;
  readonly #seen: Set<string>;
  readonly #cap: number;

  constructor(finding: Finding, cap = MAX_LOCATIONS_PER_FINDING) {
    this.finding = finding;
    this.#cap = cap;
    this.#seen = new Set();
    const locations = finding.locations;
    finding.locations = [];
    this.#addLocations(locations);
  }

  /** How many locations are held: the weight of this finding in memory. */
  get size(): number {
    return this.finding.locations.length;
  }

  absorb(other: Finding): void {
    const a = this.finding;
    if (STATUS_RANK[other.status] > STATUS_RANK[a.status])
      a.status = other.status;
    if (SEVERITY_RANK[other.severity] > SEVERITY_RANK[a.severity])
      a.severity = other.severity;
    if (!a.secretHash && other.secretHash) a.secretHash = other.secretHash;
    for (const s of other.sources)
      if (!a.sources.includes(s)) a.sources.push(s);
    for (const t of other.tags) if (!a.tags.includes(t)) a.tags.push(t);
    a.hints = { ...other.hints, ...a.hints };
    if (other.detectedAt < a.detectedAt) a.detectedAt = other.detectedAt;
    this.#addLocations(other.locations, other.locationsOmitted ?? 0);
  }

  #addLocations(locations: FindingLocation[], omitted = 0): void {
    const a = this.finding;
    let dropped = omitted + (a.locationsOmitted ?? 0);
    for (const l of locations) {
      const key = locationKey(l);
      if (this.#seen.has(key)) continue;
      if (a.locations.length >= this.#cap) {
        dropped += 1;
        continue;
      }
      this.#seen.add(key);
      a.locations.push(l);
    }
    if (dropped > 0) a.locationsOmitted = dropped;
  }
}
