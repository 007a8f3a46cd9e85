import type { IngestRecord, IngestSummary } from "../engine/types.js";
import { CloseloopError } from "../domain/errors.js";
import type { CliIo } from "./io.js";

export interface CliContainer {
  engine: { ingest(records: IngestRecord[]): Promise<IngestSummary> };
}

export async function withContainer<T>(
  _configPath: string,
  _io: CliIo,
  _work: (container: CliContainer) => Promise<T>,
): Promise<T> {
  await Promise.resolve();
  throw new CloseloopError("NOT_WIRED", "not wired yet");
}
