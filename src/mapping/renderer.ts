import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { InputError, messageOf } from "../domain/errors.js";
import type { ItsmKind } from "../itsm/types.js";
import { createSandboxedLiquid } from "./liquid.js";
import {
  loadMappingFile,
  mappingError,
  type CompiledMapping,
  type CompiledNode,
} from "./mapping-file.js";
import {
  MANUAL_RECORD_TYPES,
  RECORD_TYPES,
  type RecordType,
} from "./record-types.js";
import { sampleManualContext, sampleMappingContext } from "./sample-context.js";
import { toTemplateScope } from "./scope.js";
import { createTicketBudget, isLimitError } from "./template-limits.js";
import type {
  ManualMappingContext,
  MappingContext,
  TicketFieldsRenderer,
} from "./types.js";

export interface MappingRendererOptions {
  /** ITSM kinds the configuration uses: a missing mapping for one of them stops start-up. */
  require?: readonly ItsmKind[];
  /** ITSM kinds `routing.unresolved` sends manual tickets to: their manual mapping must exist. */
  requireManual?: readonly ItsmKind[];
}

/**
 * Loads every mapping under `mappingsDir`, validates and compiles it, and renders it once against
 * a sample context, so a bad mapping fails start-up. Unknown mapping files are errors too.
 */
export function createMappingRenderer(
  mappingsDir: string,
  options: MappingRendererOptions = {},
): TicketFieldsRenderer {
  const liquid = createSandboxedLiquid();
  rejectUnknownFiles(mappingsDir);

  const load = (
    types: Record<ItsmKind, RecordType>,
    required: ReadonlySet<ItsmKind>,
  ) => {
    const loaded = new Map<ItsmKind, CompiledMapping>();
    for (const type of Object.values(types)) {
      const present = existsSync(join(mappingsDir, type.file));
      if (!present && !required.has(type.itsm)) continue;
      loaded.set(type.itsm, loadMappingFile(mappingsDir, type, liquid));
    }
    return loaded;
  };
  const mappings = load(RECORD_TYPES, new Set(options.require ?? []));
  const manual = load(
    MANUAL_RECORD_TYPES,
    new Set(options.requireManual ?? []),
  );

  const pick = (
    loaded: Map<ItsmKind, CompiledMapping>,
    types: Record<ItsmKind, RecordType>,
    itsm: ItsmKind,
  ): CompiledMapping => {
    const mapping = loaded.get(itsm);
    if (mapping !== undefined) return mapping;
    throw new InputError(
      "MAPPING_MISSING",
      `no mapping for ${itsm}: add ${join(mappingsDir, types[itsm].file)}`,
      { details: { itsm, mappingsDir } },
    );
  };
  const render = (itsm: ItsmKind, context: MappingContext) =>
    renderFields(
      pick(mappings, RECORD_TYPES, itsm),
      toTemplateScope(context),
      liquid,
    );
  const renderManual = (itsm: ItsmKind, context: ManualMappingContext) =>
    renderFields(
      pick(manual, MANUAL_RECORD_TYPES, itsm),
      toTemplateScope(context),
      liquid,
    );

  const sample = sampleMappingContext();
  for (const itsm of mappings.keys()) render(itsm, sample);
  const manualSample = sampleManualContext();
  for (const itsm of manual.keys()) renderManual(itsm, manualSample);

  return { render, renderManual };
}

type Liquid = ReturnType<typeof createSandboxedLiquid>;

/** One ticket's fields; all its templates share one time, memory and step budget. */
function renderFields(
  mapping: CompiledMapping,
  scope: object,
  liquid: Liquid,
): Record<string, unknown> {
  const contextFor = createTicketBudget(liquid);
  const render: RenderTemplate = (node) =>
    liquid.renderSync(node.template, contextFor(scope));
  const fields: Record<string, unknown> = {};
  for (const [name, node] of mapping.fields) {
    fields[name] = renderNode(node, mapping, render);
  }
  return fields;
}

type RenderTemplate = (
  node: Extract<CompiledNode, { kind: "template" }>,
) => unknown;

function renderNode(
  node: CompiledNode,
  mapping: CompiledMapping,
  render: RenderTemplate,
): unknown {
  switch (node.kind) {
    case "value":
      return node.value;
    case "list":
      return node.items.map((item) => renderNode(item, mapping, render));
    case "map":
      return Object.fromEntries(
        node.entries.map(([key, item]) => [
          key,
          renderNode(item, mapping, render),
        ]),
      );
    case "template":
      try {
        return String(render(node));
      } catch (cause) {
        const reason = messageOf(cause);
        const problem = isLimitError(cause)
          ? { field: node.field, message: reason, tooCostly: true as const }
          : { field: node.field, message: reason };
        throw mappingError(mapping.file, [problem], cause);
      }
  }
}

function rejectUnknownFiles(mappingsDir: string): void {
  if (!existsSync(mappingsDir)) {
    throw new InputError(
      "MAPPING_MISSING",
      `${mappingsDir}: mappings directory not found`,
      {
        details: { mappingsDir },
      },
    );
  }
  const known = new Set(
    [RECORD_TYPES, MANUAL_RECORD_TYPES].flatMap((types) =>
      Object.values(types).map((type) => type.file),
    ),
  );
  for (const entry of readdirSync(mappingsDir, {
    recursive: true,
    encoding: "utf8",
  })) {
    const file = entry.split("\\").join("/");
    if (!/\.ya?ml$/.test(file) || known.has(file)) continue;
    throw new InputError(
      "MAPPING_UNKNOWN",
      `${join(mappingsDir, file)}: unknown mapping; closeloop reads ${[...known].join(", ")}`,
      { details: { file } },
    );
  }
}
