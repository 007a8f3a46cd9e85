import { readFileSync } from "node:fs";
import { z } from "zod";
import { InputError } from "../domain/errors.js";
import { SecretValue } from "../domain/secret.js";

/**
 * A secret in the configuration is never inline: it names an environment variable or a file.
 * `{ env: SNOW_PASSWORD }` or `{ file: /run/secrets/snow-password }`.
 */
export const secretRefSchema = z.union([
  z.object({ env: z.string().min(1) }).strict(),
  z.object({ file: z.string().min(1) }).strict(),
]);

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
