import type {
  FindingLocation,
  FindingStatus,
  Severity,
} from "../domain/finding.js";
import { openReport } from "./read-report.js";
import type { IngestRecord, IngestResult, ReadOptions } from "./types.js";

/**
 * Reads a whole report and merges its records by fingerprint: one finding per credential. Throws
 * before returning anything when the file is bad, so a half-read report never reaches the store.
 */
export async function collectFindings(
  path: string,
  options: ReadOptions = {},
): Promise<IngestResult> {
  const report = await openReport(path, options);
  const byFingerprint = new Map<string, Merged>();
  for await (const batch of report.batches) {
    for (const record of batch) {
      const known = byFingerprint.get(record.finding.fingerprint);
      if (known) absorb(known, record);
      else byFingerprint.set(record.finding.fingerprint, adopt(record));
    }
  }
  const records = [...byFingerprint.values()].map((m) => m.record);
  return {
    status: records.length === 0 ? "ok_empty" : "ok",
    format: report.format,
    records,
    stats: { items: report.items(), bytes: report.bytes },
  };
}

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

/**
 * Two sightings of one credential: every location, source and tag, the earliest detection. It
 * stays open while any sighting is open: one cleaned-up copy does not make the credential safe.
 */
export function mergeRecords(a: IngestRecord, b: IngestRecord): IngestRecord {
  const fa = a.finding;
  const fb = b.finding;
  const status =
    STATUS_RANK[fb.status] > STATUS_RANK[fa.status] ? fb.status : fa.status;
  const severity =
    SEVERITY_RANK[fb.severity] > SEVERITY_RANK[fa.severity]
      ? fb.severity
      : fa.severity;
  const secretHash = fa.secretHash ?? fb.secretHash;
  return {
    finding: {
      ...fa,
      status,
      severity,
      ...(secretHash ? { secretHash } : {}),
      sources: union(fa.sources, fb.sources),
      tags: union(fa.tags, fb.tags),
      locations: unionLocations(fa.locations, fb.locations),
      hints: { ...fb.hints, ...fa.hints },
      detectedAt: fb.detectedAt < fa.detectedAt ? fb.detectedAt : fa.detectedAt,
    },
    secret: a.secret ?? b.secret,
  };
}

/** A record being merged in place, with the keys of the locations it already has. */
interface Merged {
  record: IngestRecord;
  seen: Set<string>;
}

function adopt(record: IngestRecord): Merged {
  return { record, seen: new Set(record.finding.locations.map(locationKey)) };
}

/** mergeRecords without the copies: a large report repeats one secret thousands of times. */
function absorb(into: Merged, other: IngestRecord): void {
  const a = into.record.finding;
  const b = other.finding;
  if (STATUS_RANK[b.status] > STATUS_RANK[a.status]) a.status = b.status;
  if (SEVERITY_RANK[b.severity] > SEVERITY_RANK[a.severity])
    a.severity = b.severity;
  if (!a.secretHash && b.secretHash) a.secretHash = b.secretHash;
  for (const s of b.sources) if (!a.sources.includes(s)) a.sources.push(s);
  for (const t of b.tags) if (!a.tags.includes(t)) a.tags.push(t);
  for (const l of b.locations) {
    const key = locationKey(l);
    if (into.seen.has(key)) continue;
    into.seen.add(key);
    a.locations.push(l);
  }
  a.hints = { ...b.hints, ...a.hints };
  if (b.detectedAt < a.detectedAt) a.detectedAt = b.detectedAt;
  if (into.record.secret === null && other.secret !== null) {
    into.record = { finding: a, secret: other.secret };
  }
}

function union(a: string[], b: string[]): string[] {
  return [...new Set([...a, ...b])];
}

function unionLocations(
  a: FindingLocation[],
  b: FindingLocation[],
): FindingLocation[] {
  const seen = new Set(a.map(locationKey));
  const out = [...a];
  for (const location of b) {
    const key = locationKey(location);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(location);
  }
  return out;
}

function locationKey(l: FindingLocation): string {
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
