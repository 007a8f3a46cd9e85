import { Liquid, Tag, type TagToken, type TopLevelToken } from "liquidjs";
import {
  CostlyTemplateError,
  installStepBudget,
  TEMPLATE_LIMITS,
} from "./template-limits.js";

/**
 * A Liquid engine that can only read the data it is given. No template is ever loaded from disk
 * (`templates: {}` and the file tags removed), an unknown variable or filter is an error, and
 * only own properties are visible (no `constructor`, no prototype). Output is not HTML-escaped:
 * ITSM fields are plain text. Scanner text only ever enters as data in the render scope, so it is
 * printed, never parsed. What a template may cost is bounded (template-limits.ts); `tablerow`,
 * which writes HTML whose size liquidjs does not charge, is refused.
 */
export function createSandboxedLiquid(): Liquid {
  const liquid = new Liquid({
    templates: {},
    strictVariables: true,
    strictFilters: true,
    ownPropertyOnly: true,
    // `{% if finding.secretHash %}` and `| default:` work on optional fields.
    lenientIf: true,
    dynamicPartials: false,
    cache: false,
    parseLimit: TEMPLATE_LIMITS.parseChars,
    renderLimit: TEMPLATE_LIMITS.renderMs,
    memoryLimit: TEMPLATE_LIMITS.memoryUnits,
  });
  for (const tag of ["include", "render", "layout", "block"]) {
    delete liquid.tags[tag];
  }
  liquid.registerTag("tablerow", RefusedTablerow);
  installStepBudget(liquid);
  liquid.registerFilter("truncate_chars", truncateChars);
  return liquid;
}

class RefusedTablerow extends Tag {
  constructor(token: TagToken, remain: TopLevelToken[], liquid: Liquid) {
    super(token, remain, liquid);
    throw new CostlyTemplateError(
      "tablerow is not allowed: ticket fields hold no HTML tables",
    );
  }

  render(): void {
    // Never reached: the constructor refuses every use.
  }
}

/**
 * Cuts to at most `max` UTF-16 code units, ending with `…`, never splitting a surrogate pair
 * (Jira's 255-character summary, BR-11).
 */
export function truncateChars(value: unknown, max: unknown = 254): string {
  const text =
    typeof value === "string"
      ? value
      : value === null || value === undefined
        ? ""
        : JSON.stringify(value);
  const limit = typeof max === "number" ? max : Number(max);
  if (!Number.isFinite(limit) || text.length <= limit) return text;
  let cut = text.slice(0, Math.max(0, limit - 1));
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}
