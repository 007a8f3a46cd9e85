import { readFileSync } from "node:fs";
import { z } from "zod";
import { InputError } from "../domain/errors.js";
import { SecretValue } from "../domain/secret.js";

/**
 * A rule the value of one kind of secret must meet: what is wrong with it, or null. The answer
 * names the rule, never the value.
 */
export type SecretValueCheck = (value: string) => string | null;

/**
 * Every reference object a secret-reference schema has produced, with its kind's value rule. The
 * config loader finds the references in a parsed configuration by identity, not by shape, so
 * `{ file: runbook.md }` elsewhere is no secret; whoever resolves one later gets the rule too.
 */
const parsedRefs = new WeakMap<object, SecretValueCheck | null>();

function secretRefOf(check: SecretValueCheck | null) {
  return z
    .union(
      [
        z.object({ env: z.string().min(1) }).strict(),
        z.object({ file: z.string().min(1) }).strict(),
      ],
      { error: (issue) => secretRefMessage(issue.input) },
    )
    .check((ctx) => {
      parsedRefs.set(ctx.value, check);
    });
}

/**
 * A secret in the configuration is never inline: it names an environment variable or a file.
 * `{ env: SNOW_PASSWORD }` or `{ file: /run/secrets/snow-password }`. Its value must not be empty.
 */
export const secretRefSchema = secretRefOf(null);

/** A secret reference whose value must also pass `check` (a key length, a PEM that parses). */
export function checkedSecretRefSchema(
  check: SecretValueCheck,
): typeof secretRefSchema {
  return secretRefOf(check);
}

/** True for an object that a secret-reference schema parsed. */
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

/** `custody.key (environment variable CUSTODY_KEY)`: the config path and where the value lives. */
export function describeSecretRef(ref: SecretRef, where: string): string {
  return "env" in ref
    ? `${where} (environment variable ${ref.env})`
    : `${where} (file ${ref.file})`;
}

/**
 * Reads a secret reference now; `where` names the config path for the error. An empty or
 * whitespace-only value is refused (an empty webhook secret would accept forged deliveries), and
 * so is one that fails its kind's rule.
 */
export function resolveSecretRef(
  ref: SecretRef,
  where: string,
  env: NodeJS.ProcessEnv,
): SecretValue {
  const value = readSecretRef(ref, where, env);
  const source =
    "env" in ref
      ? `environment variable ${ref.env}`
      : `secret file ${ref.file}`;
  const details =
    "env" in ref
      ? { path: where, env: ref.env }
      : { path: where, file: ref.file };

  if (value.trim() === "") {
    const blank = value === "" ? "is empty" : "is empty (only whitespace)";
    throw new InputError(
      "CONFIG_SECRET_EMPTY",
      `${where}: ${source} ${blank}`,
      {
        details,
      },
    );
  }
  const problem = parsedRefs.get(ref)?.(value) ?? null;
  if (problem !== null) {
    throw new InputError(
      "CONFIG_SECRET_INVALID",
      `${where}: ${source}: ${problem}`,
      {
        details,
      },
    );
  }
  return new SecretValue(value);
}

function readSecretRef(
  ref: SecretRef,
  where: string,
  env: NodeJS.ProcessEnv,
): string {
  if ("env" in ref) {
    const value = env[ref.env];
    if (value === undefined) {
      throw new InputError(
        "CONFIG_SECRET_MISSING",
        `${where}: environment variable ${ref.env} is not set`,
        { details: { path: where, env: ref.env } },
      );
    }
    return value;
  }

  try {
    return readFileSync(ref.file, "utf8").trim();
  } catch (cause) {
    const reason = fileReadReason(cause);
    throw new InputError(
      "CONFIG_SECRET_MISSING",
      `${where}: cannot read secret file ${ref.file}${reason}`,
      {
        cause,
        details: { path: where, file: ref.file },
      },
    );
  }
}

/** `: it does not exist` and the like, from a file system error. */
function fileReadReason(cause: unknown): string {
  const code =
    cause instanceof Error && "code" in cause ? String(cause.code) : "";
  if (code === "ENOENT") return ": it does not exist";
  if (code === "EISDIR") return ": it is a directory";
  if (code === "EACCES") return ": permission denied";
  return code === "" ? "" : ` (${code})`;
}
