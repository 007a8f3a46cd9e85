import { isAbsolute, resolve } from "node:path";
import { isCloseloopError } from "../domain/errors.js";
import type { SecretValue } from "../domain/secret.js";
import {
  isParsedSecretRef,
  resolveSecretRef,
  type SecretRef,
} from "./secret-ref.js";

export interface FoundSecretRef {
  /** Config path, `itsm[0].auth.password`. */
  path: string;
  ref: SecretRef;
}

export interface ConfigProblem {
  path: string;
  message: string;
}

/** Every secret reference in a parsed configuration, with its path. */
export function findSecretRefs(config: unknown): FoundSecretRef[] {
  const found: FoundSecretRef[] = [];
  const walk = (value: unknown, path: (string | number)[]): void => {
    if (isParsedSecretRef(value)) {
      found.push({ path: formatPath(path), ref: value });
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, [...path, i]));
      return;
    }
    if (value === null || typeof value !== "object") return;
    for (const [key, item] of Object.entries(value)) walk(item, [...path, key]);
  };
  walk(config, []);
  return found;
}

/** Makes `{ file: ... }` references relative to the configuration file's folder. */
export function anchorSecretFiles(config: unknown, baseDir: string): void {
  for (const { ref } of findSecretRefs(config)) {
    if ("file" in ref && !isAbsolute(ref.file)) {
      ref.file = resolve(baseDir, ref.file);
    }
  }
}

/**
 * Reads every secret the configuration names, now: what is missing is a start-up problem, and
 * what is found can be handed to the logger's redaction.
 */
export function resolveConfigSecrets(
  config: unknown,
  env: NodeJS.ProcessEnv,
): { values: SecretValue[]; problems: ConfigProblem[] } {
  const values: SecretValue[] = [];
  const problems: ConfigProblem[] = [];
  for (const { path, ref } of findSecretRefs(config)) {
    try {
      values.push(resolveSecretRef(ref, path, env));
    } catch (error) {
      if (!isCloseloopError(error)) throw error;
      problems.push({ path, message: error.message.replace(`${path}: `, "") });
    }
  }
  return { values, problems };
}

/** `["itsm", 0, "baseUrl"]` → `itsm[0].baseUrl`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out === "" ? "(root)" : out;
}
