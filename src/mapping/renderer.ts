import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../domain/errors.js";
import type { ItsmKind } from "../itsm/types.js";
import { createSandboxedLiquid } from "./liquid.js";
import {
  loadMappingFile,
  mappingError,
  type CompiledMapping,
  type CompiledNode,
} from "./mapping-file.js";
import { RECORD_TYPES } from "./record-types.js";
import { sampleMappingContext } from "./sample-context.js";
import { toTemplateScope } from "./scope.js";
import type { MappingContext, TicketFieldsRenderer } from "./types.js";

export interface MappingRendererOptions {
  /** ITSM kinds the configuration uses: a missing mapping for one of them stops start-up. */
  require?: readonly ItsmKind[];
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

  const mappings = new Map<ItsmKind, CompiledMapping>();
  for (const type of Object.values(RECORD_TYPES)) {
    const present = existsSync(join(mappingsDir, type.file));
    if (!present && !options.require?.includes(type.itsm)) continue;
    mappings.set(type.itsm, loadMappingFile(mappingsDir, type, liquid));
  }

  const render = (itsm: ItsmKind, context: MappingContext) => {
    const mapping = mappings.get(itsm);
    if (mapping === undefined) {
      throw new InputError(
        "MAPPING_MISSING",
        `no mapping for ${itsm}: add ${join(mappingsDir, RECORD_TYPES[itsm].file)}`,
        { details: { itsm, mappingsDir } },
      );
    }
    return renderFields(mapping, toTemplateScope(context), liquid);
  };

  const sample = sampleMappingContext();
  for (const itsm of mappings.keys()) render(itsm, sample);

  return { render };
}

type Liquid = ReturnType<typeof createSandboxedLiquid>;

function renderFields(
  mapping: CompiledMapping,
  scope: object,
  liquid: Liquid,
): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [name, node] of mapping.fields) {
    fields[name] = renderNode(node, mapping, scope, liquid);
  }
  return fields;
}

function renderNode(
  node: CompiledNode,
  mapping: CompiledMapping,
  scope: object,
  liquid: Liquid,
): unknown {
  switch (node.kind) {
    case "value":
      return node.value;
    case "list":
      return node.items.map((item) => renderNode(item, mapping, scope, liquid));
    case "map":
      return Object.fromEntries(
        node.entries.map(([key, item]) => [
          key,
          renderNode(item, mapping, scope, liquid),
        ]),
      );
    case "template":
      try {
        return String(liquid.renderSync(node.template, scope));
      } catch (cause) {
        const reason = cause instanceof Error ? cause.message : String(cause);
        throw mappingError(
          mapping.file,
          [{ field: node.field, message: reason }],
          cause,
        );
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
  const known = new Set(Object.values(RECORD_TYPES).map((type) => type.file));
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
