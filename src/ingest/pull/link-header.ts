/**
 * The `rel="next"` target of an RFC 8288 Link header, resolved against the request URL. GitHub
 * (docs.github.com/rest/using-the-rest-api/using-pagination-in-the-rest-api) and GitGuardian
 * (docs.gitguardian.com/api-docs/pagination) both page this way; the last page has no `next`.
 */
export function nextLink(
  header: string | undefined,
  requestUrl: string,
): string | null {
  if (header === undefined || header.trim() === "") return null;
  for (const part of splitLinks(header)) {
    const match = /^\s*<([^>]*)>\s*;(.*)$/s.exec(part);
    if (match === null) continue;
    const params = match[2] ?? "";
    const rel = /(?:^|;)\s*rel\s*=\s*"?([^";]+)"?/i.exec(params)?.[1];
    if (rel === undefined) continue;
    if (!rel.toLowerCase().split(/\s+/).includes("next")) continue;
    return new URL(match[1] ?? "", requestUrl).toString();
  }
  return null;
}

// Commas separate links, but a URL may hold one too: split only where a new `<` starts.
function splitLinks(header: string): string[] {
  return header.split(/,(?=\s*<)/);
}
