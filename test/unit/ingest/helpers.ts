import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const FIXTURES = fileURLToPath(
  new URL("../../fixtures/findings/", import.meta.url),
);

export function fixture(path: string): string {
  return join(FIXTURES, path);
}

/** Writes a report into a fresh temp directory and returns its path. */
export function writeReport(name: string, content: string | Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), "closeloop-ingest-"));
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
