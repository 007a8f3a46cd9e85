import type {
  Finding,
  FindingLocation,
  FindingStatus,
  Severity,
} from "./finding.js";
import type { SecretValue } from "./secret.js";

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

/** Up to this many locations, a finding finds a repeat by scanning them. */
const SCAN_LIMIT = 16;

/**
 * A location as one flat string: its identity (two sightings at one place are one location) and
 * its own JSON. Every field in the order of FindingLocation, so the same place gives the same text
 * whatever order a parser set its fields in, absent ones left out: exactly what JSON.stringify
 * makes of that object (a test holds the two equal), written as one concatenation, which took
 * about half the time of building the object and stringifying it, once per sighting. Being the
 * location's JSON, the keys make a finding's JSON by joining them.
 */
export function locationKey(l: FindingLocation): string {
  let key = `{"source":${jsonValue(l.source)}`;
  if (l.file !== undefined) key += `,"file":${jsonValue(l.file)}`;
  if (l.lineReported !== undefined)
    key += `,"lineReported":${jsonValue(l.lineReported)}`;
  if (l.column !== undefined) key += `,"column":${jsonValue(l.column)}`;
  if (l.commit !== undefined) key += `,"commit":${jsonValue(l.commit)}`;
  if (l.repository !== undefined)
    key += `,"repository":${jsonValue(l.repository)}`;
  if (l.url !== undefined) key += `,"url":${jsonValue(l.url)}`;
  if (l.resource !== undefined) key += `,"resource":${jsonValue(l.resource)}`;
  return `${key}}`;
}

/** No quote, backslash, control character or surrogate: JSON.stringify would only quote it. */
// eslint-disable-next-line no-control-regex -- the control characters are what JSON escapes
const PLAIN_STRING = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;

function jsonValue(value: unknown): string {
  return typeof value === "string" && PLAIN_STRING.test(value)
    ? `"${value}"`
    : JSON.stringify(value);
}

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
 * open: one cleaned-up copy does not make the credential safe. Locations are held as flat strings
 * (a fifth of the memory of the objects, and their own dedup keys); `toFinding` gives them back.
 */
export class Sightings {
  /** The finding without its locations (they are in `#keys`). */
  readonly shell: Finding;
  readonly #keys: string[] = [];
  /** Made only past SCAN_LIMIT keys: twenty thousand small Sets cost more than a scan. */
  #seen: Set<string> | null = null;
  readonly #cap: number;
  #omitted: number;

  /** Adopts `finding` (its arrays grow as sightings are absorbed), not a copy of it. */
  constructor(finding: Finding, cap = MAX_LOCATIONS_PER_FINDING) {
    const { locations } = finding;
    this.#omitted = finding.locationsOmitted ?? 0;
    finding.locations = [];
    if (finding.locationsOmitted !== undefined) delete finding.locationsOmitted;
    this.shell = finding;
    this.#cap = cap;
    for (const l of locations) this.#addKey(locationKey(l));
  }

  /** A shell staged by `stagedShell()`, read back; its locations follow by `addStaged`. */
  static fromStaged(shell: Finding): Sightings {
    return new Sightings(shell);
  }

  get fingerprint(): string {
    return this.shell.fingerprint;
  }

  /** Whether `drainLocations` would hand on anything: locations or an omitted count. */
  get pending(): boolean {
    return this.#keys.length > 0 || this.#omitted > 0;
  }

  /** How many locations are held: the weight of this finding in memory. */
  get size(): number {
    return this.#keys.length;
  }

  absorb(other: Finding): void {
    this.#absorbFields(other);
    this.#omitted += other.locationsOmitted ?? 0;
    for (const l of other.locations) this.#addKey(locationKey(l));
  }

  /** `absorb` but for the locations, which the caller holds elsewhere (see LocationArena). */
  absorbApart(other: Finding): void {
    this.#absorbFields(other);
    this.#omitted += other.locationsOmitted ?? 0;
  }

  /** One location key, as `absorb` would add it. */
  addKey(key: string): void {
    this.#addKey(key);
  }

  /** `absorb` of another shell staged for the same finding. */
  absorbShell(shell: Finding): void {
    this.#absorbFields(shell);
  }

  /** Locations staged by `drainLocations`, read back, in the order they were staged. */
  addStaged(locations: string | Buffer, omitted: number): void {
    this.#omitted += omitted;
    this.#addKeys(
      typeof locations === "string" ? locations : locations.toString("utf8"),
    );
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
      locations: this.#keys.join("\n"),
      omitted: this.#omitted,
    };
    this.#keys.length = 0;
    this.#seen = null;
    this.#omitted = 0;
    return staged;
  }

  /** The first place kept, or none. */
  get firstLocation(): FindingLocation | undefined {
    const first = this.#keys[0];
    return first === undefined
      ? undefined
      : (JSON.parse(first) as FindingLocation);
  }

  /**
   * `"locations":[…]` and, past the cap, `"locationsOmitted":n`: the members a finding's JSON
   * takes from here, written from the keys (which are the locations' JSON) without building one.
   */
  locationMembersJson(): string {
    const locations = `"locations":[${this.#keys.join(",")}]`;
    return this.#omitted > 0
      ? `${locations},"locationsOmitted":${this.#omitted}`
      : locations;
  }

  toFinding(): Finding {
    const finding: Finding = {
      ...this.shell,
      locations: JSON.parse(`[${this.#keys.join(",")}]`) as FindingLocation[],
    };
    if (this.#omitted > 0) finding.locationsOmitted = this.#omitted;
    return finding;
  }

  /**
   * The JSON of `toFinding()` (the same value once parsed; its locations come last) without
   * building a location object: a finding of a thousand places costs a join, not a thousand
   * objects made and stringified.
   */
  toFindingJson(): string {
    const { locations: _none, ...rest } = this.shell;
    const head = JSON.stringify(rest);
    return `${head.slice(0, -1)},${this.locationMembersJson()}}`;
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

  // JSON.stringify escapes newlines inside strings: a newline only ever separates two keys.
  #addKeys(joined: string): void {
    if (joined === "") return;
    for (const key of joined.split("\n")) this.#addKey(key);
  }

  #addKey(key: string): void {
    if (this.#has(key)) return;
    if (this.#keys.length >= this.#cap) {
      this.#omitted += 1;
      return;
    }
    this.#keys.push(key);
    if (this.#seen !== null) this.#seen.add(key);
    else if (this.#keys.length > SCAN_LIMIT) this.#seen = new Set(this.#keys);
  }

  #has(key: string): boolean {
    if (this.#seen !== null) return this.#seen.has(key);
    for (const k of this.#keys) if (k === key) return true;
    return false;
  }
}
