import type { Store } from "../store/types.js";

export interface EvidenceIndexEntry {
  seq: number;
  fileName: string;
  fingerprint: string;
  cycle: number;
  sha256: string;
  prevSha256: string | null;
  sizeBytes: number;
  createdAt: string;
}

export interface EvidenceExport {
  index: {
    from: string | null;
    to: string | null;
    count: number;
    entries: EvidenceIndexEntry[];
  };
  documents: { fileName: string; bytes: Buffer; summary: string }[];
}

/** The evidence of a period, oldest first, with an index; the CLI writes the archive. */
export async function exportEvidence(
  store: Store,
  range: { from?: string; to?: string },
): Promise<EvidenceExport> {
  const records = await store.listEvidence(range);
  const entries = records.map((r) => ({
    seq: r.seq,
    fileName: r.fileName,
    fingerprint: r.fingerprint,
    cycle: r.cycle,
    sha256: r.sha256,
    prevSha256: r.prevSha256,
    sizeBytes: r.bytes.length,
    createdAt: r.createdAt,
  }));
  return {
    index: {
      from: range.from ?? null,
      to: range.to ?? null,
      count: entries.length,
      entries,
    },
    documents: records.map((r) => ({
      fileName: r.fileName,
      bytes: r.bytes,
      summary: r.summary,
    })),
  };
}
