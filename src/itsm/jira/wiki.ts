import { MAX_RICH_TEXT, cutAtBoundary, truncationMarker } from "./adf.js";

/**
 * Rich text for REST v2 (Data Center): a wiki-markup string. Scanner text is never read as markup
 * (BR-11): it goes inside one `{noformat}` block, which Jira renders verbatim, line breaks kept.
 * A `{noformat}` inside the text would end the block early, so a zero-width space breaks it.
 * https://jira.atlassian.com/secure/WikiRendererHelpAction.jspa?section=all
 */
const OPEN = "{noformat}\n";
const CLOSE = "\n{noformat}";

// C0 controls other than tab and newline, as for ADF.
// eslint-disable-next-line no-control-regex -- the point is to match control characters
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

function literal(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .replace(CONTROL, "")
    .replace(/\{(noformat)\}/gi, "{$1\u200b}");
}

export function toWiki(text: string): string {
  const body = literal(text).replace(/^\n+|\s+$/g, "");
  return body === "" ? "" : `${OPEN}${body}${CLOSE}`;
}

/**
 * The v2 description: Jira counts every character of the string against its limit, newlines and
 * the block's markers included, so the cut is made on the string (BR-11).
 */
export function wikiDescription(text: string, attachmentName: string): string {
  const full = toWiki(text);
  if (full.length <= MAX_RICH_TEXT) return full;

  const marker = truncationMarker(attachmentName);
  const room = MAX_RICH_TEXT - OPEN.length - CLOSE.length - marker.length - 1;
  const body = cutAtBoundary(literal(text).replace(/^\n+/, ""), room).trimEnd();
  return `${OPEN}${body}\n${marker}${CLOSE}`;
}
