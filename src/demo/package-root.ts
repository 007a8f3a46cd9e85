import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The closeloop package root, found from this file's location: the same answer from src/ under
 * vitest and from dist/src/ after a build, and in the Docker image.
 */
export function findPackageRoot(from: string = import.meta.url): string {
  let dir = dirname(fileURLToPath(from));

  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && isCloseloopManifest(manifest)) return dir;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(`no closeloop package.json above ${fileURLToPath(from)}`);
    }
    dir = parent;
  }
}

function isCloseloopManifest(path: string): boolean {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, "utf8"));
    return (
      typeof parsed === "object" &&
      parsed !== null &&
      (parsed as { name?: unknown }).name === "closeloop"
    );
  } catch {
    return false;
  }
}
