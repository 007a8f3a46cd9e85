import { randomBytes } from "node:crypto";
import type { SnRecord } from "./query.js";
import { glideDateTime, tableDef } from "./schema.js";

/** In-memory tables keyed by sys_id, in insertion order, with the sys_* bookkeeping done here. */
export class SnStore {
  readonly #tables = new Map<string, Map<string, SnRecord>>();
  readonly #now: () => Date;
  #changeNumber = 30_000;

  constructor(now: () => Date) {
    this.#now = now;
  }

  now(): Date {
    return this.#now();
  }

  rows(table: string): SnRecord[] {
    return [...this.#table(table).values()];
  }

  get(table: string, sysId: string): SnRecord | undefined {
    return this.#table(table).get(sysId);
  }

  /** Inserts with defaults for every known field; unknown fields are dropped, as the API does. */
  insert(table: string, values: SnRecord, user: string): SnRecord {
    const def = tableDef(table);
    const stamp = glideDateTime(this.#now());
    const record: SnRecord = {};
    for (const field of def?.fields ?? Object.keys(values)) record[field] = "";
    for (const [field, value] of Object.entries(values)) {
      if (def === undefined || def.fields.includes(field))
        record[field] = value;
    }

    record.sys_id = values.sys_id ?? newSysId();
    record.sys_created_on = stamp;
    record.sys_created_by = user;
    record.sys_updated_on = stamp;
    record.sys_updated_by = user;
    record.sys_mod_count = "0";
    if (table === "change_request" && record.number === "") {
      this.#changeNumber += 1;
      record.number = `CHG${String(this.#changeNumber).padStart(7, "0")}`;
    }

    this.#table(table).set(record.sys_id, record);
    return record;
  }

  /** Applies known, non-journal fields; journal writes append to sys_journal_field instead. */
  update(
    table: string,
    sysId: string,
    values: SnRecord,
    user: string,
  ): SnRecord {
    const record = this.get(table, sysId);
    if (record === undefined) throw new Error(`no ${table} ${sysId}`);
    const def = tableDef(table);

    for (const [field, value] of Object.entries(values)) {
      if (def !== undefined && !def.fields.includes(field)) continue;
      if (field.startsWith("sys_")) continue;
      if (def?.journals.includes(field)) {
        if (value !== "") this.appendJournal(table, sysId, field, value, user);
        continue;
      }
      record[field] = value;
    }

    record.sys_updated_on = glideDateTime(this.#now());
    record.sys_updated_by = user;
    record.sys_mod_count = String(Number(record.sys_mod_count ?? "0") + 1);
    return record;
  }

  delete(table: string, sysId: string): boolean {
    return this.#table(table).delete(sysId);
  }

  appendJournal(
    table: string,
    sysId: string,
    element: string,
    value: string,
    user: string,
  ): void {
    this.insert(
      "sys_journal_field",
      { element_id: sysId, element, name: table, value },
      user,
    );
  }

  /** The journal as display values show it: newest first, one header line per entry. */
  journalText(table: string, sysId: string, element: string): string {
    const label = element === "work_notes" ? "Work notes" : element;
    return this.rows("sys_journal_field")
      .filter(
        (j) =>
          j.element_id === sysId && j.element === element && j.name === table,
      )
      .reverse()
      .map(
        (j) =>
          `${j.sys_created_on} - ${j.sys_created_by} (${label})\n${j.value}\n\n`,
      )
      .join("");
  }

  #table(name: string): Map<string, SnRecord> {
    let table = this.#tables.get(name);
    if (table === undefined) {
      table = new Map();
      this.#tables.set(name, table);
    }
    return table;
  }
}

export function newSysId(): string {
  return randomBytes(16).toString("hex");
}
