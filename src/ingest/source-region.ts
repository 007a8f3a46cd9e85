import { readFileSync, statSync } from "node:fs";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { SourceRegion } from "./types.js";

const MAX_SOURCE_BYTES = 8 * 1024 * 1024;
const MAX_CACHED_FILES = 64;

/**
 * Reads the text of a SARIF region from the scanned file, for scanners that mask the value
 * (secretlint: "found PostgreSQL connection string: ****"). SARIF 2.1.0 §3.30: lines and columns
 * are 1-based, `endColumn` is exclusive, columns count UTF-16 code units by default (as JS does).
 * Only files inside `sourceRoot` are read, so a report cannot point closeloop at other files.
 */
export function createRegionReader(
  sourceRoot: string | undefined,
): (uri: string, region: SourceRegion) => string | null {
  const cache = new Map<string, string[] | null>();
  const root = sourceRoot === undefined ? undefined : resolve(sourceRoot);

  function lines(path: string): string[] | null {
    if (cache.has(path)) return cache.get(path) ?? null;
    let text: string[] | null = null;
    try {
      if (statSync(path).size <= MAX_SOURCE_BYTES) {
        text = readFileSync(path, "utf8").split(/\r?\n/);
      }
    } catch {
      text = null;
    }
    if (cache.size >= MAX_CACHED_FILES) cache.clear();
    cache.set(path, text);
    return text;
  }

  return (uri, region) => {
    if (root === undefined) return null;
    const path = resolveInside(root, uri);
    if (path === null) return null;
    const all = lines(path);
    if (all === null) return null;
    return sliceRegion(all, region);
  };
}

export function resolveInside(root: string, uri: string): string | null {
  let path: string;
  try {
    path = uri.startsWith("file:")
      ? fileURLToPath(uri)
      : decodeURIComponent(uri);
  } catch {
    return null;
  }
  const full = isAbsolute(path) ? path : resolve(root, path);
  const rel = relative(root, full);
  if (
    rel === "" ||
    rel.startsWith(`..${sep}`) ||
    rel === ".." ||
    isAbsolute(rel)
  )
    return null;
  return full;
}

export function sliceRegion(
  lines: string[],
  region: SourceRegion,
): string | null {
  const endLine = region.endLine ?? region.startLine;
  const first = lines[region.startLine - 1];
  if (first === undefined || endLine < region.startLine) return null;
  const startCol = (region.startColumn ?? 1) - 1;
  if (endLine === region.startLine) {
    const endCol =
      region.endColumn === undefined ? first.length : region.endColumn - 1;
    const text = first.slice(startCol, endCol);
    return text === "" ? null : text;
  }
  const parts = [first.slice(startCol)];
  for (let n = region.startLine; n < endLine - 1; n++)
    parts.push(lines[n] ?? "");
  const last = lines[endLine - 1] ?? "";
  parts.push(
    region.endColumn === undefined ? last : last.slice(0, region.endColumn - 1),
  );
  return parts.join("\n");
}

/** A file path as shown in a finding: relative to the source root where it lies inside it. */
export function displayPath(
  uri: string,
  sourceRoot: string | undefined,
): string {
  const path = uri.startsWith("file:") ? safeFilePath(uri) : uri;
  if (sourceRoot === undefined || !isAbsolute(path)) return path;
  const rel = relative(resolve(sourceRoot), path);
  return rel.startsWith("..") ? path : rel.split(sep).join("/");
}

function safeFilePath(uri: string): string {
  try {
    return fileURLToPath(uri);
  } catch {
    return uri;
  }
}
