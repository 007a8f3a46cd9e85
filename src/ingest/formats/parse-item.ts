import type { z } from "zod";
import { IngestError, describeIssues } from "../errors.js";
import type { ParseContext, RawItem } from "../types.js";

/** Validates one item; a bad one names the item and its fields, never their values. */
export function parseItem<T extends z.ZodType>(
  schema: T,
  item: RawItem,
  ctx: ParseContext,
): z.infer<T> {
  const parsed = schema.safeParse(item.value);
  if (parsed.success) return parsed.data;
  const fields = describeIssues(parsed.error.issues);
  throw new IngestError(
    "MALFORMED_REPORT",
    `${ctx.file}: item ${item.index} is not valid: ${fields.join("; ")}`,
    { details: { file: ctx.file, itemIndex: item.index, fields } },
  );
}

export function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
