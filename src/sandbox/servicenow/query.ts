export type SnRecord = Record<string, string>;

type Operator =
  "=" | "!=" | ">=" | "<=" | ">" | "<" | "STARTSWITH" | "ENDSWITH" | "LIKE";

interface Condition {
  field: string;
  op: Operator;
  value: string;
}

interface Order {
  field: string;
  descending: boolean;
}

export interface ParsedQuery {
  conditions: Condition[];
  orders: Order[];
}

const CONDITION =
  /^([A-Za-z0-9_.]+?)(STARTSWITH|ENDSWITH|LIKE|!=|>=|<=|=|>|<)(.*)$/s;

/**
 * An encoded query (`a=1^bSTARTSWITHx^ORDERBYc`). A part naming a field the table does not have is
 * dropped without a word, as ServiceNow does (reference §0.1): that is the trap the adapter must
 * guard against by checking every returned row.
 */
export function parseEncodedQuery(
  query: string,
  knownFields: readonly string[],
): ParsedQuery {
  const parsed: ParsedQuery = { conditions: [], orders: [] };
  if (query.trim() === "") return parsed;

  for (const part of query.split("^")) {
    if (part.startsWith("ORDERBYDESC")) {
      pushOrder(parsed, part.slice(11), true, knownFields);
      continue;
    }
    if (part.startsWith("ORDERBY")) {
      pushOrder(parsed, part.slice(7), false, knownFields);
      continue;
    }

    const match = CONDITION.exec(part);
    if (match === null) continue;
    const [, field = "", op = "=", value = ""] = match;
    if (!knownFields.includes(field)) continue;
    parsed.conditions.push({ field, op: op as Operator, value });
  }
  return parsed;
}

function pushOrder(
  parsed: ParsedQuery,
  field: string,
  descending: boolean,
  knownFields: readonly string[],
): void {
  if (knownFields.includes(field)) parsed.orders.push({ field, descending });
}

export function matches(record: SnRecord, query: ParsedQuery): boolean {
  return query.conditions.every((c) => test(record[c.field] ?? "", c));
}

function test(actual: string, { op, value }: Condition): boolean {
  switch (op) {
    case "=":
      return actual === value;
    case "!=":
      return actual !== value;
    case ">=":
      return compare(actual, value) >= 0;
    case "<=":
      return compare(actual, value) <= 0;
    case ">":
      return compare(actual, value) > 0;
    case "<":
      return compare(actual, value) < 0;
    case "STARTSWITH":
      return actual.startsWith(value);
    case "ENDSWITH":
      return actual.endsWith(value);
    case "LIKE":
      return actual.toLowerCase().includes(value.toLowerCase());
  }
}

/** Numbers compare as numbers, everything else (UTC date-times included) as text. */
function compare(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (a !== "" && b !== "" && !Number.isNaN(na) && !Number.isNaN(nb)) {
    return na - nb;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sortRecords(records: SnRecord[], orders: Order[]): SnRecord[] {
  if (orders.length === 0) return records;
  return [...records].sort((x, y) => {
    for (const { field, descending } of orders) {
      const c = compare(x[field] ?? "", y[field] ?? "");
      if (c !== 0) return descending ? -c : c;
    }
    return 0;
  });
}
