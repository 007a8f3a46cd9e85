import type { SourceEntry } from "../../config/schema.js";
import { InputError } from "../../domain/errors.js";
import type { IngestSummary } from "../../engine/types.js";
import { pullFindings } from "../../ingest/pull/index.js";
import type { IngestRecord } from "../../ingest/types.js";
import type { Closeloop } from "../../container/index.js";

export interface SourcePull {
  source: string;
  records: number;
  summary: IngestSummary;
}

/** The configured source with this id, or an InputError listing the configured ones. */
export function findSource(
  sources: readonly SourceEntry[],
  id: string,
): SourceEntry {
  const source = sources.find((candidate) => candidate.id === id);
  if (source !== undefined) return source;
  const known = sources.map((s) => s.id).join(", ") || "none";
  throw new InputError(
    "SOURCE_UNKNOWN",
    `--source ${id}: no such source in the configuration's sources; configured: ${known}`,
    { details: { source: id } },
  );
}

/**
 * Pulls one source whole, then ingests it in one transaction: a pull that fails half way
 * stores nothing of it, and the next pull starts over (a pull only ever adds or updates).
 */
export async function pullSource(
  closeloop: Closeloop,
  source: SourceEntry,
  env: NodeJS.ProcessEnv,
): Promise<SourcePull> {
  const records: IngestRecord[] = [];
  for await (const record of pullFindings(source, {
    logger: closeloop.logger,
    env,
  })) {
    records.push(record);
  }
  const summary = await closeloop.engine.ingest(records);
  closeloop.logger.info("source.ingested", {
    source: source.id,
    kind: source.kind,
    records: records.length,
    ...summary,
  });
  return { source: source.id, records: records.length, summary };
}
