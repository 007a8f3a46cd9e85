import { Liquid } from "liquidjs";

/**
 * A Liquid engine that can only read the data it is given. No template is ever loaded from disk
 * (`templates: {}` and the file tags removed), an unknown variable or filter is an error, and
 * only own properties are visible (no `constructor`, no prototype). Output is not HTML-escaped:
 * ITSM fields are plain text. Scanner text only ever enters as data in the render scope, so it is
 * printed, never parsed.
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
    parseLimit: 100_000,
    renderLimit: 10_000,
    memoryLimit: 10_000_000,
  });
  for (const tag of ["include", "render", "layout", "block"]) {
    delete liquid.tags[tag];
  }
  liquid.registerFilter("truncate_chars", truncateChars);
  return liquid;
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
