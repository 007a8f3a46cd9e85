import { readFileSync } from "node:fs";
import type { RecordedRequest } from "../../../src/sandbox/jira/index.js";

/**
 * Checks requests the adapter sent against Atlassian's own description of the operations
 * (a subset of jira-cloud-platform-v3.json, see test/fixtures/jira/README.md): the operation
 * exists and is not deprecated, query parameters are known and typed, and JSON bodies match the
 * request schema's required fields, types and read-only properties.
 */
interface Schema {
  $ref?: string;
  type?: string;
  required?: string[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
  enum?: unknown[];
  readOnly?: boolean;
  allOf?: Schema[];
}

interface Operation {
  operationId: string;
  deprecated?: boolean;
  parameters?: { name: string; in: string; schema?: Schema }[];
  requestBody?: { content: Record<string, { schema?: Schema }> };
}

interface Spec {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

const spec = JSON.parse(
  readFileSync(
    new URL("../../fixtures/jira/openapi/jira-v3-subset.json", import.meta.url),
    "utf8",
  ),
) as Spec;

function resolve(schema: Schema): Schema {
  if (schema.allOf !== undefined) {
    const { allOf, ...rest } = schema;
    return Object.assign({}, ...allOf.map(resolve), rest) as Schema;
  }
  if (schema.$ref === undefined) return schema;
  const name = schema.$ref.replace("#/components/schemas/", "");
  return resolve(spec.components.schemas[name] ?? {});
}

function typeOf(value: unknown): string {
  if (Array.isArray(value)) return "array";
  if (value === null) return "null";
  if (typeof value === "number")
    return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function checkValue(
  value: unknown,
  raw: Schema,
  at: string,
  problems: string[],
): void {
  const schema = resolve(raw);
  const actual = typeOf(value);
  // Several schemas describe an object by its properties alone, without `type`.
  const expected =
    schema.type ?? (schema.properties === undefined ? undefined : "object");
  const fits =
    expected === undefined ||
    expected === actual ||
    (expected === "number" && actual === "integer");
  if (!fits) problems.push(`${at}: expected ${expected}, got ${actual}`);
  if (schema.enum !== undefined && !schema.enum.includes(value))
    problems.push(`${at}: not in enum`);
  if (actual === "array" && schema.items !== undefined) {
    (value as unknown[]).forEach((item, i) =>
      checkValue(item, schema.items!, `${at}[${i}]`, problems),
    );
  }
  if (actual !== "object") return;
  const object = value as Record<string, unknown>;
  for (const name of schema.required ?? []) {
    if (!(name in object)) problems.push(`${at}.${name}: required`);
  }
  for (const [name, child] of Object.entries(object)) {
    const declared = schema.properties?.[name];
    if (declared !== undefined && resolve(declared).readOnly === true) {
      problems.push(`${at}.${name}: read-only`);
    }
    if (declared !== undefined)
      checkValue(child, declared, `${at}.${name}`, problems);
    else if (schema.additionalProperties === false)
      problems.push(`${at}.${name}: not allowed`);
  }
}

function findOperation(
  method: string,
  path: string,
): [string, Operation] | undefined {
  for (const [template, operations] of Object.entries(spec.paths)) {
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`);
    const operation = operations[method.toLowerCase()];
    if (pattern.test(path) && operation !== undefined)
      return [template, operation];
  }
  return undefined;
}

/** Problems found in the recorded v3 requests; requests outside /rest/api/3 are not covered. */
export function checkAgainstOpenApi(requests: RecordedRequest[]): string[] {
  const problems: string[] = [];
  for (const request of requests) {
    const url = new URL(request.path, "http://spec");
    if (!url.pathname.startsWith("/rest/api/3/")) continue;
    const where = `${request.method} ${url.pathname}`;
    const found = findOperation(request.method, url.pathname);
    if (found === undefined) {
      problems.push(`${where}: no such operation`);
      continue;
    }
    const [, operation] = found;
    if (operation.deprecated === true)
      problems.push(`${where}: deprecated (${operation.operationId})`);
    for (const [name, value] of url.searchParams) {
      const parameter = operation.parameters?.find(
        (p) => p.in === "query" && p.name === name,
      );
      if (parameter === undefined)
        problems.push(`${where}?${name}: unknown query parameter`);
      else if (parameter.schema?.type === "integer" && !/^\d+$/.test(value)) {
        problems.push(`${where}?${name}: not an integer`);
      }
    }
    const bodySchema =
      operation.requestBody?.content["application/json"]?.schema;
    if (bodySchema !== undefined && request.json !== undefined) {
      checkValue(request.json, bodySchema, where, problems);
    }
  }
  return problems;
}
