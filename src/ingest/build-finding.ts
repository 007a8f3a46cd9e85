import type {
  Finding,
  FindingKind,
  FindingLocation,
  FindingStatus,
  IdentityHints,
  Severity,
} from "../domain/finding.js";
import { SecretValue, sha256Hex } from "../domain/secret.js";
import {
  classifyValue,
  describeDetector,
  normaliseRule,
  slug,
} from "./classify.js";
import { locationFingerprint, secretFingerprint } from "./fingerprint.js";
import type { IngestRecord, MergeSlot } from "./types.js";

export interface Sighting {
  /** The tool that reported it: `gitleaks`, `secretlint`, `trufflehog`… */
  source: string;
  rule: string;
  ruleTitle?: string;
  location: FindingLocation;
  status?: FindingStatus;
  severity?: Severity;
  detectedAt?: string;
  ingestedAt: string;
  tags?: string[];
  hints?: IdentityHints;
}

/** A sighting whose raw value the report gave (or the source file gave back). */
export function secretRecord(sighting: Sighting, value: string): IngestRecord {
  const known = classified(value, sighting.rule);
  const hints = sighting.hints
    ? { ...sighting.hints, ...known.hints }
    : known.hasHints
      ? { ...known.hints }
      : {};
  return {
    finding: buildFinding(sighting, "secret", known.detector, {
      fingerprint: known.fingerprint,
      preview: known.preview,
      secretHash: known.secretHash,
      hints,
    }),
    secret: known.secret,
    slot: known.slot,
  };
}

interface Known {
  rule: string;
  detector: string;
  hints: IdentityHints;
  hasHints: boolean;
  fingerprint: string;
  secretHash: string;
  preview: string;
  secret: SecretValue;
  slot: MergeSlot;
}

// A report repeats each secret in every commit and file it reached; classifying and hashing it
// once per value (per rule) is most of the ingest time saved. Bounded, and the values it holds
// are the ones the records hold anyway. Keyed by the value alone, for the rule it came with first
// (one lookup per sighting: a second, per rule, was a tenth of a large read); a value that comes
// under another rule too is kept under both.
const knownValues = new Map<string, Known>();
const knownUnderOtherRules = new Map<string, Known>();
const KNOWN_LIMIT = 50_000;

function classified(value: string, rule: string): Known {
  const hit = knownValues.get(value);
  if (hit !== undefined && hit.rule === rule) return hit;
  const otherKey = hit === undefined ? null : `${rule}\u0000${value}`;
  const other =
    otherKey === null ? undefined : knownUnderOtherRules.get(otherKey);
  if (other !== undefined) return other;
  const c = classifyValue(value, rule);
  const secret = new SecretValue(c.secret);
  const known: Known = {
    rule,
    detector: c.detector,
    hints: c.hints,
    hasHints: Object.keys(c.hints).length > 0,
    fingerprint: secretFingerprint("secret", c.identity),
    secretHash: secret.sha256(),
    preview: c.preview,
    secret,
    slot: { generation: -1, index: 0 },
  };
  if (knownValues.size + knownUnderOtherRules.size >= KNOWN_LIMIT) {
    knownValues.clear();
    knownUnderOtherRules.clear();
  }
  if (otherKey === null) knownValues.set(value, known);
  else knownUnderOtherRules.set(otherKey, known);
  return known;
}

/** A sighting with no usable value: identified by rule and place (see fingerprint.ts). */
export function maskedRecord(
  sighting: Sighting,
  region: string,
  preview = "********",
): IngestRecord {
  const detector = normaliseRule(sighting.rule);
  const file = sighting.location.file ?? sighting.location.resource ?? "";
  return {
    finding: buildFinding(sighting, "secret", detector, {
      fingerprint: locationFingerprint(sighting.rule, file, region),
      preview,
      hints: { ...sighting.hints },
    }),
    secret: null,
  };
}

/** A sighting keyed by the source's own stable id (alert, incident, hashed secret, ARN). */
export function keyedRecord(
  sighting: Sighting,
  kind: FindingKind,
  key: string,
  extra: { detector?: string; preview?: string; secretHash?: string } = {},
): IngestRecord {
  const detector =
    extra.detector ??
    (kind === "secret" ? normaliseRule(sighting.rule) : slug(sighting.rule));
  return {
    finding: buildFinding(sighting, kind, detector, {
      fingerprint: sha256Hex(`${kind}\u0000${key}`),
      preview: extra.preview ?? "",
      ...(extra.secretHash ? { secretHash: extra.secretHash } : {}),
      hints: { ...sighting.hints },
    }),
    secret: null,
  };
}

type Identifying = Pick<
  Finding,
  "fingerprint" | "preview" | "hints" | "secretHash"
>;

// One object literal, fields in a fixed order: spreading a base object into each record showed
// as a fifth of the ingest profile.
function buildFinding(
  sighting: Sighting,
  kind: FindingKind,
  detector: string,
  id: Identifying,
): Finding {
  const location = sighting.location;
  const where = location.file ?? location.resource;
  const what = describeDetector(detector, sighting.ruleTitle);
  const finding: Finding = {
    kind,
    source: sighting.source,
    sources: [sighting.source],
    detector,
    status: sighting.status ?? "open",
    title: where ? `${what} in ${where}` : what,
    severity: sighting.severity ?? "high",
    locations: [compact(location)],
    tags: unique(sighting.tags),
    detectedAt: isoOr(sighting.detectedAt, sighting.ingestedAt),
    fingerprint: id.fingerprint,
    preview: id.preview,
    hints: id.hints,
  };
  if (id.secretHash) finding.secretHash = id.secretHash;
  return finding;
}

function unique(tags: string[] | undefined): string[] {
  if (tags === undefined || tags.length === 0) return [];
  const out: string[] = [];
  for (const tag of tags) if (!out.includes(tag)) out.push(tag);
  return out;
}

/** The location without empty fields; itself when it has none (formats build a fresh one each). */
function compact(location: FindingLocation): FindingLocation {
  let empty = false;
  for (const key in location) {
    const value = location[key as keyof FindingLocation];
    if (value === undefined || value === "" || value === null) empty = true;
  }
  if (!empty) return location;
  const out: Record<string, unknown> = {};
  for (const key in location) {
    const value = location[key as keyof FindingLocation];
    if (value !== undefined && value !== "" && value !== null) out[key] = value;
  }
  return out as unknown as FindingLocation;
}

// Reports repeat the same few dates; parsing each again shows in the ingest profile.
const dateCache = new Map<string | number, string | null>();

export function isoOr(
  value: string | number | undefined | null,
  fallback: string,
): string {
  if (value === undefined || value === null || value === "") return fallback;
  let iso = dateCache.get(value);
  if (iso === undefined) {
    const date =
      typeof value === "number" ? new Date(value * 1000) : new Date(value);
    iso = Number.isNaN(date.getTime()) ? null : date.toISOString();
    if (dateCache.size > 10_000) dateCache.clear();
    dateCache.set(value, iso);
  }
  return iso ?? fallback;
}
