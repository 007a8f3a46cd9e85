import { IngestError } from "./errors.js";
import { ANY_INDEX, JsonSplitter } from "./json-splitter.js";
import type { FormatName } from "./types.js";

export type Detected = FormatName | "empty";

type Keys = ReadonlySet<string>;
const has = (keys: Keys, ...names: string[]) => names.every((n) => keys.has(n));
const any = (keys: Keys, ...names: string[]) => names.some((n) => keys.has(n));

/** What an item of a JSON array (or a single JSON document) with these keys comes from. */
function classifyKeys(keys: Keys): FormatName | null {
  if (any(keys, "RuleID", "offender", "leakURL")) return "gitleaks-json";
  if (has(keys, "SchemaVersion", "ProductArn")) return "asff";
  if (any(keys, "class_uid", "finding_info")) return "ocsf";
  if (has(keys, "secret_type", "number")) return "github-secret-scanning";
  if (has(keys, "action", "alert")) return "github-secret-scanning";
  if (has(keys, "detector") && any(keys, "secret_hash", "occurrences_count")) {
    return "gitguardian-api";
  }
  if (has(keys, "incident_id", "filepath")) return "gitguardian-api";
  if (has(keys, "findingType", "resource")) return "access-analyzer";
  if (any(keys, "SourceMetadata", "DetectorName")) return "trufflehog";
  if (has(keys, "runs", "version")) return "sarif";
  if (any(keys, "plugins_used", "hashed_secret")) return "detect-secrets";
  if (has(keys, "results", "version") && !keys.has("runs"))
    return "detect-secrets";
  if (any(keys, "scans", "entities_with_incidents")) return "ggshield";
  return null;
}

/**
 * Detects the format from the first bytes of a report (`head`); `complete` says the head is the
 * whole file. Throws UNSUPPORTED_FORMAT with the keys it found when nothing fits (BR-02).
 */
export function detectFormat(
  file: string,
  head: Buffer,
  complete: boolean,
): Detected {
  const text = head
    .toString("utf8")
    .replace(/^\uFEFF/, "")
    .trimStart();
  if (text.startsWith("-----BEGIN ")) return "certificate";
  if (/^"?RuleID"?,/.test(text)) return "gitleaks-csv";
  if (!text.startsWith("[") && !text.startsWith("{")) {
    if (complete && text.trim() === "null") return "empty";
    throw unsupported(file, []);
  }

  const firstLine = text.split("\n", 1)[0] ?? "";
  if (
    text.startsWith("{") &&
    firstLine.trim().endsWith("}") &&
    firstLine.length < text.length
  ) {
    const line = tryParse(firstLine);
    if (line && classifyKeys(new Set(Object.keys(line))) === "trufflehog")
      return "trufflehog";
  }

  const splitter = new JsonSplitter([
    [ANY_INDEX],
    ["findings", ANY_INDEX],
    ["Findings", ANY_INDEX],
  ]);
  let first: Record<string, unknown> | null | undefined = undefined;
  let elements = 0;
  let whole = false;
  try {
    for (const v of splitter.push(Buffer.from(text))) {
      elements++;
      if (first === undefined) first = tryParse(v.text);
    }
    if (complete) splitter.end();
    whole = complete;
  } catch {
    // A broken file still gets a format when its head is recognisable; the reader reports where.
  }

  const rootKeys = new Set(splitter.rootKeys);
  if (splitter.rootType === "object") {
    const firstKeys = new Set(Object.keys(asObject(first)));
    const byRoot = classifyKeys(rootKeys);
    if (byRoot) return byRoot;
    if (any(rootKeys, "findings", "Findings")) {
      const inner = classifyKeys(firstKeys);
      if (inner === "asff" || inner === "access-analyzer") return inner;
      if (whole && elements === 0) return "asff";
    }
    throw unsupported(file, [...rootKeys]);
  }
  if (splitter.rootType === "array") {
    if (whole && elements === 0) return "empty";
    // A first element cut off (a truncated file) still shows its keys to a plain search.
    const keys =
      first === undefined || first === null ? keysIn(text) : Object.keys(first);
    const byItem = classifyKeys(new Set(keys));
    if (byItem) return byItem;
    throw unsupported(file, keys);
  }
  throw unsupported(file, []);
}

function unsupported(file: string, keysFound: string[]): IngestError {
  const shown = keysFound.slice(0, 20);
  return new IngestError(
    "UNSUPPORTED_FORMAT",
    `${file}: not a report closeloop reads (keys found: ${shown.join(", ") || "none"}); ` +
      "pass --format to name the format",
    { details: { file, keysFound: shown } },
  );
}

function tryParse(text: string): Record<string, unknown> | null {
  try {
    return asObject(JSON.parse(text));
  } catch {
    return null;
  }
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function keysIn(text: string): string[] {
  const keys = [...text.slice(0, 65536).matchAll(/"([\w$-]{1,64})"\s*:/g)].map(
    (m) => m[1] ?? "",
  );
  return [...new Set(keys)];
}
