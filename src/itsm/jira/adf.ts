/**
 * Atlassian Document Format built from plain text. Scanner text is never parsed as markup: every
 * character lands in a text node as it is (BR-12). Blank lines split paragraphs, single newlines
 * become hard breaks. https://developer.atlassian.com/cloud/jira/platform/apis/document/structure/
 */
export interface AdfText {
  type: "text";
  text: string;
}

export interface AdfHardBreak {
  type: "hardBreak";
}

export interface AdfParagraph {
  type: "paragraph";
  content: (AdfText | AdfHardBreak)[];
}

export interface AdfDoc {
  type: "doc";
  version: 1;
  content: AdfParagraph[];
}

/** Jira Cloud's fixed limit for a rich-text field (BR-11). */
export const MAX_RICH_TEXT = 32_767;
/** Summary limit counted in UTF-16 code units, one below Jira's 255 to stay clear of it. */
export const MAX_SUMMARY = 254;

// C0 controls other than tab and newline are rejected by ADF validation.
// eslint-disable-next-line no-control-regex -- the point is to match control characters
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

export function toAdf(text: string): AdfDoc {
  const clean = text.replace(/\r\n?/g, "\n").replace(CONTROL, "");
  const blocks = clean.split(/\n{2,}/);
  const content: AdfParagraph[] = [];

  for (const block of blocks) {
    const nodes: (AdfText | AdfHardBreak)[] = [];
    block.split("\n").forEach((line, index) => {
      if (index > 0 && nodes.length > 0) nodes.push({ type: "hardBreak" });
      if (line !== "") nodes.push({ type: "text", text: line });
    });
    while (nodes.at(-1)?.type === "hardBreak") nodes.pop();
    if (nodes.length > 0) content.push({ type: "paragraph", content: nodes });
  }

  return { type: "doc", version: 1, content };
}

/** Sum of the text in an ADF document: what Jira counts against its limit. */
export function adfTextLength(doc: AdfDoc): number {
  let total = 0;
  for (const paragraph of doc.content) {
    for (const node of paragraph.content) {
      if (node.type === "text") total += node.text.length;
    }
  }
  return total;
}

/** Cuts `text` to `max` UTF-16 units without leaving half a surrogate pair at the end. */
export function cutAtBoundary(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max);
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return cut;
}

/** A one-line summary of at most 254 UTF-16 units, ending with `…` when cut (BR-11). */
export function truncateSummary(text: string): string {
  const oneLine = text.replace(/[\r\n\t]+/g, " ").trim();
  if (oneLine.length <= MAX_SUMMARY) return oneLine;
  return `${cutAtBoundary(oneLine, MAX_SUMMARY - 1).trimEnd()}…`;
}

/** The marker BR-11 asks for at the end of a cut description. */
export function truncationMarker(attachmentName: string): string {
  return `[truncated – full evidence attached: ${attachmentName}]`;
}

/** Keeps the description's text within Jira's limit, ending with the marker when cut. */
export function truncateDescription(
  text: string,
  attachmentName: string,
): string {
  const full = toAdf(text);
  if (adfTextLength(full) <= MAX_RICH_TEXT) return text;

  const marker = truncationMarker(attachmentName);
  // Newlines are not text in ADF, so cutting by string length leaves the document under the limit.
  const room = MAX_RICH_TEXT - marker.length - 1;
  return `${cutAtBoundary(text, room).trimEnd()}\n${marker}`;
}
