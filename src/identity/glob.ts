/**
 * CODEOWNERS / gitignore patterns as regular expressions
 * (docs.github.com, "About code owners", section "CODEOWNERS syntax"):
 * a pattern with no inner `/` matches at any depth; a leading `/` or an inner `/` anchors it at
 * the root; a trailing `/` matches only inside that directory; a match on a directory covers
 * everything under it; `*` stops at `/`, `**` does not.
 */
export function globToRegExp(pattern: string): RegExp {
  let body = pattern.trim();
  const dirOnly = body.endsWith("/");
  if (dirOnly) body = body.slice(0, -1);
  const anchored = body.startsWith("/") || body.includes("/");
  body = body.replace(/^\//, "");

  let re = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c === "*" && body[i + 1] === "*") {
      const slash = body[i + 2] === "/";
      re += slash ? "(?:.*/)?" : ".*";
      i += slash ? 2 : 1;
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  const prefix = anchored ? "^" : "^(?:.*/)?";
  // GitHub: `docs/*` owns the files directly in docs/, not those in its subdirectories.
  const shallow = /(^|\/)\*$/.test(body) && !body.endsWith("**");
  const suffix = dirOnly ? "/.*$" : shallow ? "$" : "(?:/.*)?$";
  return new RegExp(prefix + re + suffix);
}

/** A report's file path as a repository path: no leading `./` or `/`, forward slashes. */
export function repoPath(file: string): string {
  return file
    .replace(/\\/g, "/")
    .replace(/^(\.\/)+/, "")
    .replace(/^\/+/, "");
}
