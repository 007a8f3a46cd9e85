import type { z } from "zod";
import { InputError } from "../../domain/errors.js";

/**
 * Parses a target's configuration, or fails with an InputError naming the paths at fault (never
 * their values: a path may hold a secret reference's target).
 */
export function parseTargetConfig<S extends z.ZodType>(
  schema: S,
  input: unknown,
  kind: string,
): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;

  const paths = parsed.error.issues.map(
    (issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`,
  );
  throw new InputError(
    "CONFIG_INVALID",
    `${kind} target configuration is invalid: ${paths.join("; ")}`,
    { cause: parsed.error, details: { issues: paths } },
  );
}
