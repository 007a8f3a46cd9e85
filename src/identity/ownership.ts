import { isAbsolute, relative, resolve, sep } from "node:path";
import type { Finding } from "../domain/finding.js";
import type { Identity } from "../domain/identity.js";
import { loadCodeowners, ownersOf } from "./codeowners.js";
import { globToRegExp } from "./glob.js";
import type { Ownership, OwnershipRule } from "./schema.js";

/**
 * Who owns a finding: the first static rule that fits, else CODEOWNERS for the files it was seen
 * in (when they lie in a repository under `sourceRoot`), else the default owner. With several
 * owners on a CODEOWNERS line, the first is the owner.
 */
export function resolveOwner(
  finding: Finding,
  identity: Identity | null,
  ownership: Ownership,
  sourceRoot?: string,
): string | null {
  const files = finding.locations.flatMap((l) =>
    l.file ? [inRoot(l.file, sourceRoot)] : [],
  );
  const rule = (ownership.rules ?? []).find((r) =>
    ruleFits(r, finding, identity, files),
  );
  if (rule) return rule.owner;

  const codeowners = loadCodeowners(sourceRoot, ownership.codeownersFile);
  if (codeowners) {
    for (const file of files) {
      const owner = ownersOf(codeowners, file)?.[0];
      if (owner) return owner;
    }
  }
  return ownership.defaultOwner ?? null;
}

function ruleFits(
  rule: OwnershipRule,
  finding: Finding,
  identity: Identity | null,
  files: string[],
): boolean {
  if (rule.detector !== undefined && rule.detector !== finding.detector)
    return false;
  if (rule.targetId !== undefined && rule.targetId !== identity?.targetId)
    return false;
  if (rule.pathGlob !== undefined) {
    const glob = globToRegExp(rule.pathGlob);
    if (!files.some((f) => glob.test(f))) return false;
  }
  return true;
}

/** A reported path relative to the source root where it is an absolute path inside it. */
function inRoot(file: string, sourceRoot: string | undefined): string {
  if (sourceRoot === undefined || !isAbsolute(file)) return file;
  const rel = relative(resolve(sourceRoot), file);
  return rel.startsWith("..") ? file : rel.split(sep).join("/");
}
