import {
  Context,
  ForTag,
  TypeGuards,
  toValueSync,
  type Liquid,
  type Template,
} from "liquidjs";

/**
 * What one ticket's templates may cost. Ticket fields are a few kilobytes of text: these bounds
 * sit far above what the shipped mappings use and far below what hurts a daemon rendering every
 * ticket.
 */
export const TEMPLATE_LIMITS = {
  /** Characters of one template string. */
  templateChars: 20_000,
  /** Characters liquidjs parses over the engine's life (its parse limiter is never reset). */
  parseChars: 500_000,
  /** Milliseconds for all fields of one ticket. */
  renderMs: 1_000,
  /** liquidjs memory units (string lengths, array and range sizes) for one ticket. */
  memoryUnits: 2_000_000,
  /** Template nodes rendered for one ticket: every loop iteration counts its body. */
  steps: 100_000,
  /** Items of a range literal such as `(1..100)`, or a literal `limit:` on a loop. */
  rangeItems: 1_000,
  /** `for` loops inside one another. */
  loopDepth: 2,
} as const;

const LIQUID_LIMIT =
  /(memory alloc|template render|parse length) limit exceeded/;

/** Thrown inside liquidjs for a template closeloop refuses as too costly; liquidjs wraps it. */
export class CostlyTemplateError extends Error {}

/** Whether a liquidjs error was one of the limits above firing, liquidjs's or closeloop's. */
export function isLimitError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current instanceof CostlyTemplateError) return true;
    if (LIQUID_LIMIT.test(current.message)) return true;
    const inner: unknown =
      (current as { originalError?: unknown }).originalError ?? current.cause;
    current = inner;
  }
  return false;
}

/**
 * Counts every template node liquidjs renders against the step budget of the render it belongs
 * to. liquidjs charges ranges and filters to its memory limit, but not the iterations of a loop
 * over an array it already holds; this does.
 */
export function installStepBudget(liquid: Liquid): void {
  const renderer = liquid.renderer;
  const renderTemplates = renderer.renderTemplates.bind(renderer);
  renderer.renderTemplates = function* (templates, ctx, emitter) {
    chargeSteps(ctx, templates.length);
    return (yield* renderTemplates(templates, ctx, emitter)) as unknown;
  };
}

// Keyed on the memory limiter, which every field of one ticket shares (see `createTicketBudget`).
const stepsUsed = new WeakMap<object, number>();

function chargeSteps(ctx: Context, count: number): void {
  const key: object = ctx.memoryLimit;
  const used = (stepsUsed.get(key) ?? 0) + count;
  if (used > TEMPLATE_LIMITS.steps) {
    throw new CostlyTemplateError("template step limit exceeded");
  }
  stepsUsed.set(key, used);
}

/**
 * The render contexts of one ticket: one per field (an `assign` in one field is not seen by the
 * next), all drawing on one time, memory and step budget.
 */
export function createTicketBudget(liquid: Liquid): (scope: object) => Context {
  let first: Context | undefined;
  return (scope) => {
    const limits =
      first === undefined
        ? {}
        : { memoryLimit: first.memoryLimit, renderLimit: first.renderLimit };
    const ctx = new Context(
      scope,
      liquid.options,
      { sync: true },
      { ...limits, liquid },
    );
    first ??= ctx;
    return ctx;
  };
}

/** Why a template string is too long to parse, or undefined when it is not. */
export function templateSizeProblem(source: string): string | undefined {
  if (source.length <= TEMPLATE_LIMITS.templateChars) return undefined;
  return (
    `template is ${source.length} characters; at most ` +
    `${TEMPLATE_LIMITS.templateChars}`
  );
}

/**
 * What a parsed template would cost beyond the limits, found before it ever renders: loops
 * nested deeper than `loopDepth`, and range literals or literal loop limits larger than
 * `rangeItems`. Returns one message per problem.
 */
export function templateCostProblems(templates: Template[]): string[] {
  const problems: string[] = [];
  walk(templates, 0, problems);
  return problems;
}

function walk(templates: Template[], depth: number, problems: string[]): void {
  for (const template of templates) {
    let inner = depth;
    if (template instanceof ForTag) {
      inner = depth + 1;
      checkLoop(template, inner, problems);
    }
    if (template.children === undefined) continue;
    walk(toValueSync(template.children(false, true)), inner, problems);
  }
}

function checkLoop(loop: ForTag, depth: number, problems: string[]): void {
  const where = `"${loop.token.getText()}"`;
  if (depth > TEMPLATE_LIMITS.loopDepth) {
    problems.push(
      `${where}: loops nest at most ${TEMPLATE_LIMITS.loopDepth} deep`,
    );
  }

  const size = rangeLiteralSize(loop.collection);
  if (size !== undefined && size > TEMPLATE_LIMITS.rangeItems) {
    problems.push(
      `${where}: a range has at most ${TEMPLATE_LIMITS.rangeItems} items`,
    );
  }
  const limit = loop.hash.hash["limit"];
  if (
    TypeGuards.isNumberToken(limit) &&
    limit.content > TEMPLATE_LIMITS.rangeItems
  ) {
    problems.push(`${where}: limit is at most ${TEMPLATE_LIMITS.rangeItems}`);
  }
}

/** The item count of `(a..b)` with both ends written as numbers; undefined otherwise. */
function rangeLiteralSize(token: unknown): number | undefined {
  const initial = (token as { initial?: { postfix?: unknown[] } }).initial;
  const only = initial?.postfix?.length === 1 ? initial.postfix[0] : token;
  if (!TypeGuards.isRangeToken(only)) return undefined;
  const { lhs, rhs } = only;
  if (!TypeGuards.isNumberToken(lhs) || !TypeGuards.isNumberToken(rhs)) {
    return undefined;
  }
  return Math.trunc(rhs.content) - Math.trunc(lhs.content) + 1;
}
