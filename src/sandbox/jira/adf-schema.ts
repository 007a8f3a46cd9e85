import { isRecord } from "./route.js";

/**
 * The part of Atlassian Document Format's schema the simulator enforces: which nodes and marks
 * exist, which children each node takes, and the attributes they need. It covers the nodes
 * closeloop and common clients send; any other type is refused, as Jira refuses what its schema
 * does not know. https://developer.atlassian.com/cloud/jira/platform/apis/document/structure/
 */
interface NodeRule {
  /** Child types allowed; absent for a leaf that takes no `content`. */
  children?: readonly string[];
  /** The first child must be one of these (listItem). */
  first?: readonly string[];
  /** At least this many children (lists and tables are never empty). */
  min?: number;
  /** Checks `attrs`; returns what is wrong, or null. */
  attrs?: (attrs: Record<string, unknown> | undefined) => string | null;
  /** Text nodes inside take no marks (codeBlock). */
  plainText?: boolean;
}

const INLINE = ["text", "hardBreak", "mention", "emoji", "inlineCard", "date"];
const LIST = ["bulletList", "orderedList"];
const CELL_BLOCKS = [
  "paragraph",
  "heading",
  ...LIST,
  "codeBlock",
  "rule",
  "panel",
  "blockquote",
];
const TOP_BLOCKS = [...CELL_BLOCKS, "table"];

const none = () => null;
const optionalString = (name: string) => (attrs?: Record<string, unknown>) =>
  attrs?.[name] === undefined || typeof attrs[name] === "string"
    ? null
    : `attrs.${name} must be a string`;
const positiveInt = (value: unknown) =>
  value === undefined || (Number.isInteger(value) && Number(value) >= 1);

function cellAttrs(attrs?: Record<string, unknown>): string | null {
  if (!positiveInt(attrs?.colspan) || !positiveInt(attrs?.rowspan))
    return "attrs.colspan and attrs.rowspan must be integers of at least 1";
  const widths = attrs?.colwidth;
  if (
    widths !== undefined &&
    !(Array.isArray(widths) && widths.every(Number.isFinite))
  )
    return "attrs.colwidth must be an array of numbers";
  return optionalString("background")(attrs);
}

const NODES: Record<string, NodeRule> = {
  paragraph: { children: INLINE, attrs: optionalString("localId") },
  heading: {
    children: INLINE,
    attrs: (attrs) =>
      Number.isInteger(attrs?.level) &&
      Number(attrs?.level) >= 1 &&
      Number(attrs?.level) <= 6
        ? null
        : "attrs.level must be an integer from 1 to 6",
  },
  bulletList: { children: ["listItem"], min: 1, attrs: none },
  orderedList: {
    children: ["listItem"],
    min: 1,
    attrs: (attrs) =>
      attrs?.order === undefined ||
      (Number.isInteger(attrs.order) && Number(attrs.order) >= 0)
        ? null
        : "attrs.order must be a non-negative integer",
  },
  listItem: {
    children: ["paragraph", "codeBlock", ...LIST],
    first: ["paragraph", "codeBlock"],
    min: 1,
  },
  codeBlock: {
    children: ["text"],
    plainText: true,
    attrs: optionalString("language"),
  },
  blockquote: {
    children: ["paragraph", ...LIST, "codeBlock"],
    min: 1,
  },
  panel: {
    children: ["paragraph", "heading", ...LIST],
    min: 1,
    attrs: (attrs) =>
      ["info", "note", "warning", "success", "error"].includes(
        String(attrs?.panelType),
      )
        ? null
        : "attrs.panelType must be info, note, warning, success or error",
  },
  rule: {},
  hardBreak: { attrs: optionalString("text") },
  table: {
    children: ["tableRow"],
    min: 1,
    attrs: (attrs) =>
      attrs?.isNumberColumnEnabled === undefined ||
      typeof attrs.isNumberColumnEnabled === "boolean"
        ? optionalString("layout")(attrs)
        : "attrs.isNumberColumnEnabled must be a boolean",
  },
  tableRow: { children: ["tableHeader", "tableCell"], min: 1 },
  tableHeader: { children: CELL_BLOCKS, min: 1, attrs: cellAttrs },
  tableCell: { children: CELL_BLOCKS, min: 1, attrs: cellAttrs },
  mention: {
    attrs: (attrs) =>
      typeof attrs?.id === "string" ? null : "attrs.id is required",
  },
  emoji: {
    attrs: (attrs) =>
      typeof attrs?.shortName === "string"
        ? null
        : "attrs.shortName is required",
  },
  inlineCard: {
    attrs: (attrs) =>
      typeof attrs?.url === "string" || isRecord(attrs?.data)
        ? null
        : "attrs.url or attrs.data is required",
  },
  date: {
    attrs: (attrs) =>
      typeof attrs?.timestamp === "string"
        ? null
        : "attrs.timestamp is required",
  },
};

const MARKS: Record<
  string,
  (attrs?: Record<string, unknown>) => string | null
> = {
  code: none,
  em: none,
  strong: none,
  strike: none,
  underline: none,
  link: (attrs) =>
    typeof attrs?.href === "string" && attrs.href !== ""
      ? optionalString("title")(attrs)
      : "attrs.href is required",
  subsup: (attrs) =>
    attrs?.type === "sub" || attrs?.type === "sup"
      ? null
      : "attrs.type must be sub or sup",
  textColor: (attrs) =>
    typeof attrs?.color === "string" && /^#[0-9a-fA-F]{6}$/.test(attrs.color)
      ? null
      : "attrs.color must be a #rrggbb colour",
};

const NODE_KEYS = new Set(["type", "content", "attrs", "marks", "text"]);

function marksProblem(marks: unknown, at: string, plain: boolean) {
  if (marks === undefined) return null;
  if (plain) return `${at}.marks: not allowed here`;
  if (!Array.isArray(marks)) return `${at}.marks: must be an array`;
  const types: string[] = [];
  for (const [i, mark] of marks.entries()) {
    const where = `${at}.marks[${i}]`;
    if (!isRecord(mark) || typeof mark.type !== "string")
      return `${where}: a mark needs a type`;
    const check = MARKS[mark.type];
    if (check === undefined) return `${where}: unknown mark ${mark.type}`;
    if (types.includes(mark.type)) return `${where}: ${mark.type} repeated`;
    const attrs = isRecord(mark.attrs) ? mark.attrs : undefined;
    const problem = check(attrs);
    if (problem !== null) return `${where}: ${problem}`;
    types.push(mark.type);
  }
  // ADF: code combines with link only.
  if (types.includes("code") && types.some((t) => t !== "code" && t !== "link"))
    return `${at}.marks: code combines only with link`;
  return null;
}

function nodeProblem(
  node: unknown,
  at: string,
  allowed: readonly string[],
  plain: boolean,
): string | null {
  if (!isRecord(node) || typeof node.type !== "string")
    return `${at}: a node needs a type`;
  if (!allowed.includes(node.type))
    return `${at}: ${node.type} not allowed here`;
  const extra = Object.keys(node).find((k) => !NODE_KEYS.has(k));
  if (extra !== undefined) return `${at}.${extra}: unknown property`;
  if (node.type === "text") {
    if (typeof node.text !== "string" || node.text === "")
      return `${at}.text: must be a non-empty string`;
    return marksProblem(node.marks, at, plain);
  }
  if (node.marks !== undefined || node.text !== undefined)
    return `${at}: only text nodes carry text and marks`;

  const rule = NODES[node.type];
  if (rule === undefined) return `${at}: unknown node ${node.type}`;
  if (node.attrs !== undefined && !isRecord(node.attrs))
    return `${at}.attrs: must be an object`;
  const attrs = isRecord(node.attrs) ? node.attrs : undefined;
  const attrsProblem = (rule.attrs ?? none)(attrs);
  if (attrsProblem !== null) return `${at}: ${attrsProblem}`;
  if (rule.children === undefined) {
    return node.content === undefined ? null : `${at}.content: not allowed`;
  }
  return childrenProblem(node.content, at, rule);
}

function childrenProblem(content: unknown, at: string, rule: NodeRule) {
  const children = content ?? [];
  if (!Array.isArray(children)) return `${at}.content: must be an array`;
  if (children.length < (rule.min ?? 0))
    return `${at}.content: needs at least ${rule.min} node(s)`;
  for (const [i, child] of children.entries()) {
    const allowed =
      i === 0 && rule.first !== undefined ? rule.first : rule.children!;
    const problem = nodeProblem(
      child,
      `${at}.content[${i}]`,
      allowed,
      rule.plainText === true,
    );
    if (problem !== null) return problem;
  }
  return null;
}

/** What makes `value` an invalid ADF document (a path and a reason), or null when it is valid. */
export function adfProblem(value: unknown): string | null {
  if (!isRecord(value) || value.type !== "doc") return "doc: type must be doc";
  if (value.version !== 1) return "doc.version: must be 1";
  const extra = Object.keys(value).find(
    (k) => !["type", "version", "content"].includes(k),
  );
  if (extra !== undefined) return `doc.${extra}: unknown property`;
  if (!Array.isArray(value.content)) return "doc.content: must be an array";
  return childrenProblem(value.content, "doc", { children: TOP_BLOCKS });
}
