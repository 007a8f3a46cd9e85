import type {
  Finding,
  FindingLocation,
  FindingStatus,
  Severity,
} from "./finding.js";
import { locationKey } from "./location-key.js";
import { KeyStrings } from "./location-keys.js";
import type { LocationKeys } from "./location-keys.js";
import type { SecretValue } from "./secret.js";

/**
 * Places kept per finding. A secret committed to a template is seen in every copy of it: past this
 * many places the rest are counted in `locationsOmitted`, not kept, so one finding stays a bounded
 * row (and a bounded ticket) however often a report repeats it.
 */
export const MAX_LOCATIONS_PER_FINDING = 1000;

export { locationKey };

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

/** The locations of one finding gathered since they were last staged (see `drainLocations`). */
export interface StagedLocations {
  fingerprint: string;
  /** Location keys separated by newlines, as text or as its UTF-8 bytes. */
  locations: string | Buffer;
  omitted: number;
}

/** A merged finding and the raw value from whichever of its sightings carried one. */
export interface SightedRecord {
  sightings: Sightings;
  secret: SecretValue | null;
}

/**
 * What a large read hands on: findings (with their locations so far), or only the locations
 * gathered since the last batch for findings still held, each of which comes again in a later
 * `findings` batch.
 */
export type SightedBatch =
  | {
      kind: "findings";
      records: SightedRecord[];
      /** No batch follows: when the first is the last, the read fit in memory. */
      last: boolean;
    }
  | { kind: "locations"; locations: StagedLocations[] };

/**
 * One finding merged in place with further sightings of it from the same read: every location up
 * to the cap, every source and tag, the earliest detection. It stays open while any sighting is
 * open: one cleaned-up copy does not make the credential safe. Locations are held as their keys
 * (a fifth of the memory of the objects, and their own dedup keys); `toFinding` gives them back.
 */
export class Sightings {
  /** The finding without its locations (they are in `#keys`). */
  readonly shell: Finding;
  readonly #keys: LocationKeys;

  /**
   * Adopts `finding` (its arrays grow as sightings are absorbed), not a copy of it. `keys`: where
   * its locations go; a read merges into strings, a staged merge hands over its own (KeyMerger).
   */
  constructor(
    finding: Finding,
    cap = MAX_LOCATIONS_PER_FINDING,
    keys: LocationKeys = new KeyStrings(cap),
  ) {
    const { locations } = finding;
    this.#keys = keys;
    this.#keys.omitted += finding.locationsOmitted ?? 0;
    finding.locations = [];
    if (finding.locationsOmitted !== undefined) delete finding.locationsOmitted;
    this.shell = finding;
    for (const l of locations) this.#keys.add(locationKey(l));
  }

  /** A shell staged by `stagedShell()` and merged with its others, with its merged locations. */
  static fromStaged(shell: Finding, keys: LocationKeys): Sightings {
    return new Sightings(shell, MAX_LOCATIONS_PER_FINDING, keys);
  }

  get fingerprint(): string {
    return this.shell.fingerprint;
  }

  /** Whether `drainLocations` would hand on anything: locations or an omitted count. */
  get pending(): boolean {
    return this.#keys.size > 0 || this.#keys.omitted > 0;
  }

  /** How many locations are held: the weight of this finding in memory. */
  get size(): number {
    return this.#keys.size;
  }

  absorb(other: Finding): void {
    this.#absorbFields(other);
    this.#keys.omitted += other.locationsOmitted ?? 0;
    for (const l of other.locations) this.#keys.add(locationKey(l));
  }

  /** `absorb` but for the locations, which the caller holds elsewhere (see LocationArena). */
  absorbApart(other: Finding): void {
    this.#absorbFields(other);
    this.#keys.omitted += other.locationsOmitted ?? 0;
  }

  /** One location key, as `absorb` would add it. */
  addKey(key: string): void {
    this.#keys.add(key);
  }

  /** `absorb` of another shell staged for the same finding. */
  absorbShell(shell: Finding): void {
    this.#absorbFields(shell);
  }

  /** The finding without its locations, as JSON. */
  stagedShell(): string {
    return JSON.stringify(this.shell);
  }

  /**
   * The locations held, handed over to be staged, and forgotten here: memory stays bounded when a
   * report repeats the same findings over and over. Repeats across two drains are merged later.
   */
  drainLocations(): StagedLocations {
    const staged = {
      fingerprint: this.shell.fingerprint,
      locations: this.#keys.joined("\n"),
      omitted: this.#keys.omitted,
    };
    this.#keys.clear();
    return staged;
  }

  /** The first place kept, or none. */
  get firstLocation(): FindingLocation | undefined {
    const first = this.#keys.first();
    return first === undefined
      ? undefined
      : (JSON.parse(first) as FindingLocation);
  }

  /**
   * `"locations":[…]` and, past the cap, `"locationsOmitted":n`: the members a finding's JSON
   * takes from here, written from the keys (which are the locations' JSON) without building one.
   */
  locationMembersJson(): string {
    const locations = `"locations":${this.locationsJson()}`;
    const { omitted } = this.#keys;
    return omitted > 0
      ? `${locations},"locationsOmitted":${omitted}`
      : locations;
  }

  toFinding(): Finding {
    const finding: Finding = {
      ...this.shell,
      locations: JSON.parse(this.locationsJson()) as FindingLocation[],
    };
    if (this.#keys.omitted > 0) finding.locationsOmitted = this.#keys.omitted;
    return finding;
  }

  /**
   * `toFinding()` as two pieces of JSON, without building a location object (a finding of a
   * thousand places costs a join, not a thousand objects made and stringified): the finding
   * without its locations (with `locationsOmitted` past the cap), and the locations' array.
   */
  shellJson(): string {
    const { locations: _none, ...rest } = this.shell;
    const head = JSON.stringify(rest);
    const { omitted } = this.#keys;
    return omitted > 0
      ? `${head.slice(0, -1)},"locationsOmitted":${omitted}}`
      : head;
  }

  /** See `shellJson`. */
  locationsJson(): string {
    return `[${this.#keys.joined(",")}]`;
  }

  /** `locationsJson()` as UTF-8 bytes where they are held so (a staged merge); null otherwise. */
  locationsJsonBytes(): Buffer | null {
    return this.#keys.jsonBytes();
  }

  #absorbFields(other: Finding): void {
    const a = this.shell;
    if (STATUS_RANK[other.status] > STATUS_RANK[a.status])
      a.status = other.status;
    if (SEVERITY_RANK[other.severity] > SEVERITY_RANK[a.severity])
      a.severity = other.severity;
    if (!a.secretHash && other.secretHash) a.secretHash = other.secretHash;
    for (const s of other.sources)
      if (!a.sources.includes(s)) a.sources.push(s);
    for (const t of other.tags) if (!a.tags.includes(t)) a.tags.push(t);
    // A new object only when `other` brings a hint this one lacks: one per absorb would be
    // garbage in the old generation, where the long-held shell lives.
    for (const key in other.hints) {
      if (key in a.hints) continue;
      a.hints = { ...other.hints, ...a.hints };
      break;
    }
    if (other.detectedAt < a.detectedAt) a.detectedAt = other.detectedAt;
  }
}
