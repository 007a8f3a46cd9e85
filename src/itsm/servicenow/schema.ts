import { z } from "zod";
import { ItsmError } from "../http/index.js";

/**
 * A field as the Table API may send it: a string, a number (sn_chg_rest sends `-5.0`, reference
 * §0.7), or an object (`{link,value}`, `{display_value,value}`, or `{display_value,link}`).
 */
const fieldSchema = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.null(),
  z.record(z.string(), z.unknown()),
]);

/** Reads a raw value; never falls back to a display value, whose text may be renamed (BR-07). */
export function rawValue(field: unknown): string {
  if (field === undefined || field === null) return "";
  if (typeof field === "string") return field;
  if (typeof field === "number") return String(field);
  if (typeof field === "boolean") return String(field);
  if (typeof field === "object" && "value" in field)
    return rawValue(field.value);
  throw new ItsmError(
    "DISPLAY_VALUE_ONLY",
    "field carries a display value but no raw value",
  );
}

/**
 * The sys_id of a reference field in any of its shapes: a plain id (exclude_reference_link),
 * `{link,value}` or `{display_value,link,value}`. `{display_value,link}` has no id at all and
 * throws DISPLAY_VALUE_ONLY rather than returning a name as an id (cases BR-07).
 */
export function refId(field: unknown): string {
  if (typeof field === "string") return field;
  if (typeof field === "object" && field !== null) {
    const value = (field as { value?: unknown }).value;
    if (typeof value === "string") return value;
  }
  throw new ItsmError(
    "DISPLAY_VALUE_ONLY",
    "reference field has no sys_id: it was read with display values only",
  );
}

/** `YYYY-MM-DD HH:MM:SS` (UTC, reference §4) → ISO-8601; empty → undefined. */
export function glideToIso(value: string): string | undefined {
  const match = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$/.exec(value.trim());
  if (match === null) return undefined;
  return `${match[1]}T${match[2]}.000Z`;
}

/** ISO-8601 → the UTC literal that encoded queries compare against. */
export function isoToGlide(date: Date): string {
  return date.toISOString().slice(0, 19).replace("T", " ");
}

const record = z.record(z.string(), fieldSchema);

export const singleSchema = z.object({ result: record });
export const listSchema = z.object({ result: z.array(record) });
export type SnRow = z.infer<typeof record>;

/** Values put into an encoded query: `^` would let a value add conditions (reference §10). */
export function queryValue(value: string): string {
  if (/[\^\r\n]/.test(value) || value.includes("ORDERBY")) {
    throw new ItsmError(
      "PAYLOAD_SCHEMA",
      "value cannot be used in an encoded query",
      {
        details: { length: value.length },
      },
    );
  }
  return value;
}

/** The params every Table API call sends: raw values and plain sys_ids (BR-07). */
export const RAW = {
  sysparm_display_value: "false",
  sysparm_exclude_reference_link: "true",
} as const;

export const CHANGE_STATES = {
  new: "-5",
  assess: "-4",
  authorize: "-3",
  scheduled: "-2",
  implement: "-1",
  review: "0",
  closed: "3",
  canceled: "4",
} as const;

/** `-5.0` and `-5` are the same state. */
export function normaliseState(value: string): string {
  const n = Number(value);
  return value !== "" && Number.isFinite(n) ? String(n) : value;
}
