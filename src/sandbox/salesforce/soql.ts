import type { SalesforceState } from "./state.js";

/** The SOQL closeloop sends: `SELECT a, B.c FROM Obj WHERE f = 'v' [AND g = 'w']`. */
export interface SoqlQuery {
  fields: string[];
  object: string;
  where: { field: string; value: string }[];
}

export class SoqlError extends Error {}

const QUERY = /^SELECT\s+(.+?)\s+FROM\s+(\w+)(?:\s+WHERE\s+(.+?))?\s*$/is;
const CONDITION = /^\s*([\w.]+)\s*=\s*'((?:[^'\\]|\\.)*)'\s*$/s;

export function parseSoql(text: string): SoqlQuery {
  const match = QUERY.exec(text);
  if (match === null)
    throw new SoqlError(`unexpected token in: ${text.slice(0, 80)}`);
  const where = (match[3] ?? "")
    .split(/\s+AND\s+/i)
    .filter((part) => part.trim() !== "")
    .map((part) => {
      const condition = CONDITION.exec(part);
      if (condition === null)
        throw new SoqlError(`unsupported condition: ${part.trim()}`);
      return {
        field: condition[1] ?? "",
        value: (condition[2] ?? "").replace(/\\(.)/g, "$1"),
      };
    });
  return {
    fields: (match[1] ?? "").split(",").map((f) => f.trim()),
    object: match[2] ?? "",
    where,
  };
}

type Row = Record<string, unknown>;

/** Each queryable object's rows, with relationship objects joined in as Salesforce nests them. */
function rowsOf(state: SalesforceState, object: string): Row[] | null {
  switch (object) {
    case "User":
      return [...state.users.values()].map((u) => ({ ...u }));
    case "UserLogin":
      return [...state.userLogins.values()].map((l) => ({ ...l }));
    case "PermissionSet":
      return [...state.permissionSets.values()].map((p) => ({ ...p }));
    case "PermissionSetAssignment":
      return [...state.assignments.values()].map((a) => ({
        ...a,
        PermissionSet: state.permissionSets.get(a.PermissionSetId) ?? null,
      }));
    case "AuthSession":
      return [...state.sessions.values()].map(({ token: _token, ...s }) => ({
        ...s,
      }));
    default:
      return null;
  }
}

function read(row: Row, path: string): unknown {
  return path
    .split(".")
    .reduce<unknown>(
      (value, key) =>
        typeof value === "object" && value !== null
          ? (value as Row)[key]
          : undefined,
      row,
    );
}

/** Runs a parsed query; the records carry `attributes` like the real API's. */
export function runSoql(
  state: SalesforceState,
  query: SoqlQuery,
  apiPath: string,
): Row[] {
  const rows = rowsOf(state, query.object);
  if (rows === null)
    throw new SoqlError(`sObject type '${query.object}' is not supported.`);
  for (const field of [...query.fields, ...query.where.map((w) => w.field)]) {
    if (rows.length > 0 && read(rows[0] ?? {}, field) === undefined) {
      throw new SoqlError(
        `No such column '${field}' on entity '${query.object}'.`,
      );
    }
  }
  return rows
    .filter((row) =>
      query.where.every((w) => String(read(row, w.field)) === w.value),
    )
    .map((row) => project(row, query, apiPath));
}

function project(row: Row, query: SoqlQuery, apiPath: string): Row {
  const out: Row = {
    attributes: {
      type: query.object,
      url: `${apiPath}/sobjects/${query.object}/${String(row.Id)}`,
    },
  };
  for (const field of query.fields) {
    const [head = "", tail] = field.split(".", 2);
    if (tail === undefined) {
      out[head] = row[head] ?? null;
      continue;
    }
    const related = row[head] as Row | null;
    const nested = (out[head] as Row | undefined) ?? {
      attributes: {
        type: head,
        url: `${apiPath}/sobjects/${head}/${String(related?.Id)}`,
      },
    };
    nested[tail] = related?.[tail] ?? null;
    out[head] = related === null ? null : nested;
  }
  return out;
}
