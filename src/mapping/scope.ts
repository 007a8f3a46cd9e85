import type { ManualMappingContext, MappingContext } from "./types.js";

const LOCATION_KEYS = [
  "source",
  "file",
  "lineReported",
  "column",
  "commit",
  "repository",
  "url",
  "resource",
] as const;

/**
 * The data a template sees: plain JSON (no class instance, getter or function reaches it), with
 * every optional field of the contracts present as null. `strictVariables` then only fails on a
 * misspelt name, and `{{ location.commit | default: "none" }}` works when the scanner gave none.
 */
export function toTemplateScope(
  context: MappingContext | ManualMappingContext,
): object {
  const plain = JSON.parse(JSON.stringify(context)) as Record<string, unknown>;
  const finding = plain["finding"] as Record<string, unknown>;

  finding["secretHash"] ??= null;
  finding["locations"] = (
    finding["locations"] as Record<string, unknown>[]
  ).map((location) => {
    const filled: Record<string, unknown> = { ...location };
    for (const key of LOCATION_KEYS) filled[key] ??= null;
    return filled;
  });

  // A manual context has no identity at all.
  const identity = plain["identity"] as
    Record<string, unknown> | null | undefined;
  if (identity !== null && identity !== undefined) identity["owner"] ??= null;
  plain["owner"] ??= null;
  return plain;
}
