import { open, stat } from "node:fs/promises";
import type { Stats } from "node:fs";
import { readCertificates } from "./certificates/read-certificates.js";
import {
  scanTlsEndpoint,
  tlsEndpointOf,
} from "./certificates/scan-tls-endpoint.js";
import { ArrayBatcher } from "./array-batcher.js";
import type { SplitBatch } from "./array-batcher.js";
import { CsvSplitter } from "./csv-splitter.js";
import type { CsvRow } from "./csv-splitter.js";
import { detectFormat } from "./detect.js";
import { IngestError } from "./errors.js";
import { parserFor } from "./formats/registry.js";
import { ANY_KEY, JsonSplitter } from "./json-splitter.js";
import type { PathPattern } from "./json-splitter.js";
import { LineBatcher } from "./line-batcher.js";
import { readChunks } from "./read-chunks.js";
import { guard, located } from "./report-errors.js";
import { createRegionReader } from "./source-region.js";
import type {
  FormatName,
  IngestRecord,
  ReadOptions,
  RawItem,
} from "./types.js";

const HEAD_BYTES = 1024 * 1024;
// Small enough that a chunk and the records parsed from it stay in the young generation: 1 MB
// chunks doubled the peak RSS of a 1 GB report and cost more CPU. Below 128 KB with room for the
// part of an item carried over from the chunk before: V8 puts a string of 128 KB or more in its
// large-object space, a fresh mapping each, and decoding a chunk that size cost ten times as much
// per byte (1.3 s against 0.12 s a gigabyte here).
const CHUNK_BYTES = 96 * 1024;

export interface OpenedReport {
  format: FormatName;
  bytes: number;
  /** Records in batches (one per chunk read): one await per batch, not per record. */
  batches: AsyncGenerator<IngestRecord[]>;
  /** Items read so far (array elements, lines, rows). */
  items: () => number;
}

/** Streams the records of a report: one item in memory at a time, whatever the file size. */
export function readReport(
  path: string,
  options: ReadOptions = {},
): AsyncIterable<IngestRecord> {
  return {
    async *[Symbol.asyncIterator]() {
      const report = await openReport(path, options);
      for await (const batch of report.batches) yield* batch;
    },
  };
}

/**
 * The same records as `readReport`, a chunk's worth at a time: one await per batch instead of one
 * per record, which is a tenth of the time of a large report.
 */
export function readReportBatches(
  path: string,
  options: ReadOptions = {},
): AsyncIterable<IngestRecord[]> {
  return {
    async *[Symbol.asyncIterator]() {
      const report = await openReport(path, options);
      yield* report.batches;
    },
  };
}

export async function openReport(
  path: string,
  options: ReadOptions = {},
): Promise<OpenedReport> {
  const info = await statOrNull(path);
  const fallback = options.format ?? "gitleaks-json";
  const endpoint = info === null ? tlsEndpointOf(path) : null;
  if (endpoint !== null) {
    const check = await scanTlsEndpoint(endpoint.host, endpoint.port, options);
    return fromArray("certificate", 0, check.record ? [check.record] : []);
  }
  if (info === null) {
    if (options.scanCompleted) return emptyReport(fallback);
    throw new IngestError(
      "REPORT_MISSING",
      `${path}: the report file does not exist, so nothing was ingested ` +
        "(a scanner that found nothing may write no file: gitleaks 8.22 and later)",
      { details: { file: path } },
    );
  }
  const ctx = {
    file: path,
    sourceRoot: options.sourceRoot,
    ingestedAt: (options.now ?? new Date()).toISOString(),
    readRegion: createRegionReader(options.sourceRoot),
    ...(options.onMasked ? { onMasked: options.onMasked } : {}),
  };
  if (info.isDirectory() || options.format === "certificate") {
    const records = await readCertificates(path, options);
    return fromArray("certificate", info.size, records);
  }
  if (info.size === 0) {
    throw new IngestError(
      "MALFORMED_REPORT",
      `${path}: the report is empty (0 bytes)`,
      {
        details: {
          file: path,
          byteOffset: 0,
          line: 1,
          column: 1,
          reason: "EMPTY_FILE",
        },
      },
    );
  }

  const head = await readHead(path);
  const detected =
    options.format ?? detectFormat(path, head, info.size <= head.length);
  if (detected === "empty") return emptyReport(fallback);
  if (detected === "certificate") {
    return fromArray(
      "certificate",
      info.size,
      await readCertificates(path, options),
    );
  }

  const format: Exclude<FormatName, "certificate"> = detected;
  const parser = parserFor(format);
  const parse = parser.createParser(ctx);
  let items = 0;
  const chunks = async function* () {
    let read = 0;
    for await (const chunk of readChunks(path, CHUNK_BYTES)) {
      read += chunk.length;
      options.onProgress?.(read, info.size);
      yield chunk;
    }
  };
  const recordsOf = (batch: SplitBatch): IngestRecord[] => {
    const out: IngestRecord[] = [];
    for (let k = 0; k < batch.length; k++) {
      const item: RawItem = {
        pattern: batch.pattern(k),
        path: batch.path(k),
        value: batch.value(k),
        index: items++,
      };
      const records = guard(
        () => batch.offset(k),
        () => parse(item),
      );
      for (const record of records) out.push(record);
    }
    return out;
  };
  const framing = parser.framing;

  async function* items_(): AsyncGenerator<IngestRecord[]> {
    if (framing.kind === "json") {
      const splitter = new ArrayBatcher(patternsFor(framing, head));
      const check = () =>
        checkRoot(
          splitter.rootType,
          framing.roots,
          splitter.rootKeys,
          path,
          format,
        );
      for await (const chunk of chunks()) {
        const batch = recordsOf(splitter.push(chunk));
        check();
        yield batch;
      }
      const last = recordsOf(splitter.end());
      check();
      yield last;
      return;
    }
    if (framing.kind === "lines") {
      const splitter = new LineBatcher();
      for await (const chunk of chunks()) yield recordsOf(splitter.push(chunk));
      yield recordsOf(splitter.end());
      return;
    }
    const csv = new CsvSplitter();
    const rowBatch = (rows: CsvRow[]) =>
      rows.flatMap((r) =>
        guard(-r.line, () =>
          parse({ pattern: 0, path: [r.line], value: r.row, index: items++ }),
        ),
      );
    for await (const chunk of chunks()) yield rowBatch(csv.push(chunk));
    yield rowBatch(csv.end());
  }

  async function* batches(): AsyncGenerator<IngestRecord[]> {
    try {
      yield* items_();
    } catch (error) {
      throw await located(error, path);
    }
  }

  return {
    format: detected,
    bytes: info.size,
    batches: batches(),
    items: () => items,
  };
}

/** The patterns to split on; a lone object (one webhook, one finding) is one item. */
function patternsFor(
  framing: { patterns: PathPattern[]; single?: boolean },
  head: Buffer,
): PathPattern[] {
  if (!framing.single) return framing.patterns;
  const sniff = new JsonSplitter([[ANY_KEY]]);
  try {
    sniff.push(head);
  } catch {
    return framing.patterns;
  }
  if (sniff.rootType !== "object") return framing.patterns;
  const envelopes = framing.patterns.flatMap((p) =>
    p.length > 1 ? [p[0]] : [],
  );
  return envelopes.some(
    (key) => key !== undefined && sniff.rootKeys.includes(key),
  )
    ? framing.patterns
    : [[]];
}

function checkRoot(
  root: string | undefined,
  allowed: readonly string[],
  keys: string[],
  path: string,
  format: FormatName,
): void {
  if (root === undefined || root === "null" || allowed.includes(root)) return;
  throw new IngestError(
    "UNSUPPORTED_FORMAT",
    `${path}: a ${format} report is not a JSON ${root}`,
    { details: { file: path, keysFound: keys.slice(0, 20) } },
  );
}

async function statOrNull(path: string): Promise<Stats | null> {
  try {
    return await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

async function readHead(path: string): Promise<Buffer> {
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function emptyReport(format: FormatName): OpenedReport {
  return fromArray(format, 0, []);
}

function fromArray(
  format: FormatName,
  bytes: number,
  list: IngestRecord[],
): OpenedReport {
  async function* batches() {
    yield await Promise.resolve(list);
  }
  return { format, bytes, batches: batches(), items: () => list.length };
}
