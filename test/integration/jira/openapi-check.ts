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
  requestBody?: {
    required?: boolean;
    content: Record<string, { schema?: Schema }>;
  };
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

/**
 * The Jira Service Management calls closeloop makes: that API is not in the platform description,
 * so reference/jira.md §3.1 stands in for it. Answering an approval is listed to be refused:
 * closeloop never approves its own change.
 */
const JSM_OPERATIONS: {
  method: string;
  pattern: RegExp;
  query: string[];
  refused?: string;
}[] = [
  {
    method: "GET",
    pattern: /^\/rest\/servicedeskapi\/request\/[^/]+\/approval$/,
    query: ["start", "limit"],
  },
  {
    method: "POST",
    pattern: /^\/rest\/servicedeskapi\/request\/[^/]+\/approval\/[^/]+$/,
    query: [],
    refused: "answers an approval (closeloop never approves)",
  },
];

function checkJsm(request: RecordedRequest, url: URL, problems: string[]) {
  const where = `${request.method} ${url.pathname}`;
  const operation = JSM_OPERATIONS.find(
    (o) => o.method === request.method && o.pattern.test(url.pathname),
  );
  if (operation === undefined) {
    problems.push(`${where}: no such JSM operation`);
    return;
  }
  if (operation.refused !== undefined)
    problems.push(`${where}: ${operation.refused}`);
  for (const name of url.searchParams.keys()) {
    if (!operation.query.includes(name))
      problems.push(`${where}?${name}: unknown query parameter`);
  }
}

/** The request's media type must be one the operation takes (JSON, or multipart for uploads). */
function checkMediaType(
  request: RecordedRequest,
  operation: Operation,
  where: string,
  problems: string[],
): void {
  const accepted = Object.keys(operation.requestBody?.content ?? {});
  if (accepted.length === 0) return;
  const given = (request.headers["content-type"] ?? "").split(";")[0]!.trim();
  if (!accepted.includes(given))
    problems.push(`${where}: content-type ${given || "none"} not accepted`);
}

/**
 * Problems found in the recorded requests. `/rest/api/3` is checked against the description;
 * `/rest/api/2` (Cloud v2 and Data Center) against the same operation under version 3, whose
 * paths and bodies it shares except for rich text (reference/jira.md §1), with the Cloud-only
 * deprecation of `search` not applied; JSM against `JSM_OPERATIONS`. The sandbox's own form
 * posts are not Jira's API; anything else is reported.
 */
export function checkAgainstOpenApi(requests: RecordedRequest[]): string[] {
  const problems: string[] = [];
  for (const request of requests) {
    const url = new URL(request.path, "http://spec");
    const where = `${request.method} ${url.pathname}`;
    if (url.pathname.startsWith("/sandbox/")) continue;
    if (url.pathname.startsWith("/rest/servicedeskapi/")) {
      checkJsm(request, url, problems);
      continue;
    }
    const version = /^\/rest\/api\/(2|3)\//.exec(url.pathname)?.[1];
    if (version === undefined) {
      problems.push(`${where}: not an API the description covers`);
      continue;
    }
    const specPath = url.pathname.replace(/^\/rest\/api\/2\//, "/rest/api/3/");
    const found = findOperation(request.method, specPath);
    if (found === undefined) {
      problems.push(`${where}: no such operation`);
      continue;
    }
    const [, operation] = found;
    if (operation.deprecated === true && version === "3")
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
    checkMediaType(request, operation, where, problems);
    const bodySchema =
      operation.requestBody?.content["application/json"]?.schema;
    if (bodySchema !== undefined && request.json !== undefined) {
      checkValue(request.json, bodySchema, where, problems);
    }
    const body = operation.requestBody;
    const jsonOnly = body?.content["multipart/form-data"] === undefined;
    if (body?.required === true && jsonOnly && request.json === undefined)
      problems.push(`${where}: the operation requires a JSON body`);
  }
  return problems;
}
