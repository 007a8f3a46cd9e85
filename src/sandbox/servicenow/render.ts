import type { SnRecord } from "./query.js";
import { tableDef } from "./schema.js";
import type { SnStore } from "./store.js";

export type DisplayMode = "false" | "true" | "all";

export interface RenderOptions {
  display: DisplayMode;
  excludeReferenceLink: boolean;
  /** sysparm_fields; empty = all. Unknown fields are skipped; `a.b` walks one reference. */
  fields: string[];
  baseUrl: string;
}

type Rendered = string | Record<string, string>;

/**
 * A record as the Table API returns it. With `false` a reference is `{link, value}` (or a bare
 * sys_id with exclude_reference_link); with `true` it is `{display_value, link}` with no sys_id at
 * all (cases BR-07); with `all` every field is an object. Journals are text only with display
 * values (reference §0.4).
 */
export function renderRecord(
  store: SnStore,
  table: string,
  record: SnRecord,
  options: RenderOptions,
): Record<string, Rendered> {
  const names =
    options.fields.length > 0 ? options.fields : Object.keys(record);
  const out: Record<string, Rendered> = {};

  for (const name of names) {
    const rendered = renderField(store, table, record, name, options);
    if (rendered !== undefined) out[name] = rendered;
  }
  return out;
}

function renderField(
  store: SnStore,
  table: string,
  record: SnRecord,
  name: string,
  options: RenderOptions,
): Rendered | undefined {
  const dot = name.indexOf(".");
  if (dot > 0) {
    const refTable = tableDef(table)?.refs[name.slice(0, dot)];
    const target =
      refTable === undefined
        ? undefined
        : store.get(refTable, record[name.slice(0, dot)] ?? "");
    if (refTable === undefined) return undefined;
    if (target === undefined)
      return options.display === "all" ? pair("", "") : "";
    return renderField(store, refTable, target, name.slice(dot + 1), options);
  }

  const def = tableDef(table);
  if (def !== undefined && !def.fields.includes(name)) return undefined;
  const raw = record[name] ?? "";
  const journal = def?.journals.includes(name) === true;
  const display = journal
    ? store.journalText(table, record.sys_id ?? "", name)
    : displayOf(store, table, name, raw);
  const value = journal ? "" : raw;

  const refTable = def?.refs[name];
  if (refTable !== undefined && raw !== "") {
    const link = `${options.baseUrl}/api/now/table/${refTable}/${raw}`;
    if (options.display === "true") return { display_value: display, link };
    if (options.display === "all")
      return options.excludeReferenceLink
        ? pair(display, value)
        : { display_value: display, link, value };
    return options.excludeReferenceLink ? value : { link, value };
  }

  if (options.display === "true") return display;
  if (options.display === "all") return pair(display, value);
  return value;
}

function pair(display: string, value: string): Record<string, string> {
  return { display_value: display, value };
}

function displayOf(
  store: SnStore,
  table: string,
  field: string,
  raw: string,
): string {
  const def = tableDef(table);
  const label = def?.choices[field]?.[raw];
  if (label !== undefined) return label;

  const refTable = def?.refs[field];
  if (refTable === undefined || raw === "") return raw;
  const target = store.get(refTable, raw);
  const refDef = tableDef(refTable);
  if (target === undefined || refDef === undefined) return "";
  return target[refDef.displayField] ?? "";
}
