import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { scratchDir } from "../../helpers/scratch-dir.js";

export const FIXTURES = fileURLToPath(
  new URL("../../fixtures/findings/", import.meta.url),
);

export function fixture(path: string): string {
  return join(FIXTURES, path);
}

/** Writes a report into a fresh temp directory and returns its path. */
export function writeReport(name: string, content: string | Buffer): string {
  const dir = scratchDir("closeloop-ingest-");
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
