import { readFileSync } from "node:fs";
import { z } from "zod";
import { InputError } from "../domain/errors.js";
import { SecretValue } from "../domain/secret.js";

/**
 * Every reference object this schema has produced. The config loader finds the references in a
 * parsed configuration by identity, not by shape, so `{ file: runbook.md }` elsewhere is no secret.
 */
const parsedRefs = new WeakSet<object>();

/**
 * A secret in the configuration is never inline: it names an environment variable or a file.
 * `{ env: SNOW_PASSWORD }` or `{ file: /run/secrets/snow-password }`.
 */
export const secretRefSchema = z
  .union(
    [
      z.object({ env: z.string().min(1) }).strict(),
      z.object({ file: z.string().min(1) }).strict(),
    ],
    { error: (issue) => secretRefMessage(issue.input) },
  )
  .check((ctx) => {
    parsedRefs.add(ctx.value);
  });

/** True for an object that `secretRefSchema` parsed. */
export function isParsedSecretRef(value: unknown): value is SecretRef {
  return typeof value === "object" && value !== null && parsedRefs.has(value);
}

const SECRET_REF_HOW = "use { env: VARIABLE_NAME } or { file: /path/to/file }";

/** Says how to fix a bad reference; an inline value gets its own message, never echoed. */
function secretRefMessage(input: unknown): string {
  if (typeof input === "string") {
    return `a secret must not be written inline in the configuration: ${SECRET_REF_HOW}`;
  }
  if (input === undefined) return `required: ${SECRET_REF_HOW}`;
  return `not a secret reference: ${SECRET_REF_HOW}`;
}

export type SecretRef = z.infer<typeof secretRefSchema>;

/** Reads a secret reference now; `where` names the config path for the error. */
export function resolveSecretRef(
  ref: SecretRef,
  where: string,
  env: NodeJS.ProcessEnv,
): SecretValue {
  if ("env" in ref) {
    const value = env[ref.env];
    if (value === undefined || value === "") {
      throw new InputError(
        "CONFIG_SECRET_MISSING",
        `${where}: environment variable ${ref.env} is not set`,
        { details: { path: where, env: ref.env } },
      );
    }
    return new SecretValue(value);
  }

  try {
    return new SecretValue(readFileSync(ref.file, "utf8").trim());
  } catch (cause) {
    throw new InputError(
      "CONFIG_SECRET_MISSING",
      `${where}: cannot read secret file ${ref.file}`,
      {
        cause,
        details: { path: where, file: ref.file },
      },
    );
  }
}
