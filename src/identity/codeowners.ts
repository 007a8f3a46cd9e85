import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { globToRegExp, repoPath } from "./glob.js";

interface CodeownersRule {
  pattern: RegExp;
  owners: string[];
}

// GitHub looks in .github/, the root, then docs/, and uses the first it finds.
const LOCATIONS = [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"];

export function parseCodeowners(text: string): CodeownersRule[] {
  const rules: CodeownersRule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)#.*$/, "").trim();
    if (line === "") continue;
    const [pattern, ...owners] = line.split(/\s+/);
    if (pattern === undefined) continue;
    rules.push({ pattern: globToRegExp(pattern), owners });
  }
  return rules;
}

/**
 * The owners of a path: the last matching pattern wins, and a last match with no owners means
 * nobody owns it (GitHub's semantics), not "fall back to an earlier rule".
 */
export function ownersOf(
  rules: CodeownersRule[],
  file: string,
): string[] | null {
  const path = repoPath(file);
  for (let i = rules.length - 1; i >= 0; i--) {
    const rule = rules[i] as CodeownersRule;
    if (rule.pattern.test(path)) return rule.owners;
  }
  return null;
}

export function loadCodeowners(
  sourceRoot: string | undefined,
  codeownersFile: string | undefined,
): CodeownersRule[] | null {
  const candidates = codeownersFile
    ? [
        isAbsolute(codeownersFile) || !sourceRoot
          ? codeownersFile
          : join(sourceRoot, codeownersFile),
      ]
    : sourceRoot
      ? LOCATIONS.map((l) => join(sourceRoot, l))
      : [];
  const found = candidates.find((c) => existsSync(c));
  return found === undefined
    ? null
    : parseCodeowners(readFileSync(found, "utf8"));
}
