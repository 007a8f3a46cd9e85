import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Liquid, Template } from "liquidjs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { InputError, messageOf } from "../domain/errors.js";
import { isKnownField, type RecordType } from "./record-types.js";
import {
  isLimitError,
  templateCostProblems,
  templateSizeProblem,
} from "./template-limits.js";

type Leaf = string | number | boolean | null;
export type MappingValue =
  Leaf | MappingValue[] | { [key: string]: MappingValue };

const leafSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const valueSchema: z.ZodType<MappingValue> = z.lazy(() =>
  z.union([
    leafSchema,
    z.array(valueSchema),
    z.record(z.string(), valueSchema),
  ]),
);
const mappingFileSchema = z
  .object({ fields: z.record(z.string(), valueSchema) })
  .strict();

/** A mapping value with each leaf string parsed once, at start-up. */
export type CompiledNode =
  | { kind: "template"; field: string; template: Template[] }
  | { kind: "value"; value: Leaf }
  | { kind: "list"; items: CompiledNode[] }
  | { kind: "map"; entries: [string, CompiledNode][] };

export interface CompiledMapping {
  type: RecordType;
  /** The path shown in errors. */
  file: string;
  fields: [string, CompiledNode][];
}

export interface MappingProblem {
  field: string;
  message: string;
  /** The template would cost more than closeloop allows (template-limits.ts). */
  tooCostly?: true;
}

const FILE_LEVEL = "(file)";
const PLAN_TEXT = /\{\{-?\s*planText\s*-?\}\}/;

/** Reads, validates and compiles one mapping file; every problem is listed in one error. */
export function loadMappingFile(
  dir: string,
  type: RecordType,
  liquid: Liquid,
): CompiledMapping {
  const file = join(dir, type.file);
  const parsed = mappingFileSchema.safeParse(readYaml(file));
  if (!parsed.success) {
    throw mappingError(
      file,
      parsed.error.issues.map((issue) => ({
        field: issue.path.slice(1).map(String).join(".") || FILE_LEVEL,
        message: issue.message,
      })),
    );
  }

  const { fields } = parsed.data;
  const problems: MappingProblem[] = [];
  for (const field of type.required) {
    if (!(field in fields)) problems.push({ field, message: "required" });
  }
  for (const field of Object.keys(fields)) {
    if (!isKnownField(type, field)) {
      problems.push({
        field,
        message: `not a ${type.file} field closeloop sets`,
      });
    }
  }
  for (const field of type.planTextIn) {
    const value = fields[field];
    if (value !== undefined && !PLAN_TEXT.test(JSON.stringify(value))) {
      problems.push({ field, message: "must contain {{ planText }}" });
    }
  }

  const compiled: [string, CompiledNode][] = [];
  for (const [field, value] of Object.entries(fields)) {
    compiled.push([field, compile(value, field, liquid, problems)]);
  }
  if (problems.length > 0) throw mappingError(file, problems);
  return { type, file, fields: compiled };
}

function readYaml(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (cause) {
    throw new InputError(
      "MAPPING_MISSING",
      `${file}: cannot read mapping file`,
      {
        cause,
        details: { file },
      },
    );
  }
  try {
    return parseYaml(text) as unknown;
  } catch (cause) {
    throw mappingError(
      file,
      [{ field: FILE_LEVEL, message: "not valid YAML" }],
      cause,
    );
  }
}

function compile(
  value: MappingValue,
  field: string,
  liquid: Liquid,
  problems: MappingProblem[],
): CompiledNode {
  if (Array.isArray(value)) {
    return {
      kind: "list",
      items: value.map((item, i) =>
        compile(item, `${field}[${i}]`, liquid, problems),
      ),
    };
  }
  if (value !== null && typeof value === "object") {
    return {
      kind: "map",
      entries: Object.entries(value).map(([key, item]) => [
        key,
        compile(item, `${field}.${key}`, liquid, problems),
      ]),
    };
  }
  if (typeof value !== "string") return { kind: "value", value };

  const costly = (message: string) =>
    problems.push({ field, message, tooCostly: true });
  const tooLong = templateSizeProblem(value);
  if (tooLong !== undefined) {
    costly(tooLong);
    return { kind: "value", value: null };
  }
  let template: Template[];
  try {
    template = liquid.parse(value);
  } catch (error) {
    const reason = messageOf(error);
    if (isLimitError(error)) costly(reason);
    else
      problems.push({ field, message: `template does not parse: ${reason}` });
    return { kind: "value", value: null };
  }
  templateCostProblems(template).forEach(costly);
  return { kind: "template", field, template };
}

export function mappingError(
  file: string,
  problems: MappingProblem[],
  cause?: unknown,
): InputError {
  const list = problems.map((p) =>
    p.field === FILE_LEVEL ? p.message : `fields.${p.field}: ${p.message}`,
  );
  const code = problems.every((p) => p.tooCostly === true)
    ? "MAPPING_TOO_COSTLY"
    : "MAPPING_INVALID";
  return new InputError(code, `${file}: ${list.join("; ")}`, {
    cause,
    details: { file, problems },
  });
}
