export type {
  FormatName,
  IngestRecord,
  IngestResult,
  ReadOptions,
} from "./types.js";
export { readReport, readReportBatches } from "./read-report.js";
export { collectFindings, mergeRecords, streamFindings } from "./collect.js";
export type { FindingBatch, StreamedFindings } from "./collect.js";
export { findingToDryRunJson } from "./dry-run.js";
export { IngestError } from "./errors.js";
export type { IngestErrorCode } from "./errors.js";
export { parseGithubAlert } from "./formats/github-secret-scanning.js";
export {
  readCertificates,
  certificateRecord,
} from "./certificates/read-certificates.js";
export { scanTlsEndpoint } from "./certificates/scan-tls-endpoint.js";
export type {
  TlsCheck,
  TlsScanOptions,
} from "./certificates/scan-tls-endpoint.js";
export { normaliseSecret, secretFingerprint } from "./fingerprint.js";
export { parsePostgresDsn } from "./postgres-dsn.js";
export type { PostgresDsn } from "./postgres-dsn.js";
