import { z } from "zod";
import { resolveSecretRef } from "../../config/secret-ref.js";
import { describeIssues } from "../errors.js";
import { parseGithubAlert } from "../formats/github-secret-scanning.js";
import type { IngestRecord } from "../types.js";
import { PullError } from "./errors.js";
import { createPullClient } from "./http-client.js";
import type { PullClient, PullDeps } from "./http-client.js";
import type { GithubAlertsSource } from "./schema.js";

/**
 * GitHub secret scanning alerts over REST (reference/finding-formats.md §3), parsed by ingest's
 * `parseGithubAlert` so a pulled alert, a webhook and an exported report give the same finding.
 *
 * The fingerprint. With `hideSecret` (the default) the raw value never leaves GitHub and the
 * finding is keyed by `repository#number`, the alert's own stable id: the same in every pull and
 * in the `secret_scanning_alert` webhook. A `secret` field GitHub sends anyway (a GHES version
 * that ignores `hide_secret`) is dropped, so the key cannot flip between runs. The cost: the same
 * value found by another scanner, or in two repositories, is a separate finding.
 * With `hideSecret: false` the value is fetched and carried as a SecretValue; the fingerprint is
 * then the value's, which merges with every other source that saw it. The webhook receiver must
 * then re-read the alert (`fetchGithubAlert`) instead of trusting its thin payload, or the two
 * would disagree. Switching the option re-keys GitHub-only findings: choose it once.
 */
export async function* pullGithubAlerts(
  source: GithubAlertsSource,
  deps: PullDeps,
): AsyncGenerator<IngestRecord> {
  const client = githubClient(source, deps);
  const scope = source.repo ? `${source.owner}/${source.repo}` : source.owner;
  const query = new URLSearchParams({ per_page: String(source.perPage) });
  if (source.state !== "all") query.set("state", source.state);
  if (source.hideSecret) query.set("hide_secret", "true");
  const path = source.repo
    ? `/repos/${seg(source.owner)}/${seg(source.repo)}/secret-scanning/alerts`
    : `/orgs/${seg(source.owner)}/secret-scanning/alerts`;

  let pages = 0;
  let records = 0;
  for await (const { items, page } of client.pages(
    `${root(source)}${path}?${query.toString()}`,
  )) {
    pages = page;
    for (const [index, item] of items.entries()) {
      records += 1;
      yield toRecord(source, item, stamp(deps), { page, index });
    }
  }
  deps.logger.info("pull.completed", {
    source: source.kind,
    scope,
    pages,
    records,
  });
}

/** One alert read again (the webhook's thin payload names it); same options as the pull. */
export async function fetchGithubAlert(
  source: GithubAlertsSource,
  deps: PullDeps,
  alert: { repository: string; number: number },
): Promise<IngestRecord> {
  const client = githubClient(source, deps);
  const [owner = "", repo = ""] = alert.repository.split("/");
  const query = source.hideSecret ? "?hide_secret=true" : "";
  const path = `/repos/${seg(owner)}/${seg(repo)}/secret-scanning/alerts`;
  const { data } = await client.get(
    `${root(source)}${path}/${alert.number}${query}`,
  );
  return toRecord(source, data, stamp(deps), { page: 1, index: 0 });
}

function githubClient(source: GithubAlertsSource, deps: PullDeps): PullClient {
  const token = resolveSecretRef(
    source.token,
    `sources.github-secret-scanning(${source.owner}).token`,
    deps.env,
  );
  return createPullClient({
    source: source.kind,
    baseUrl: source.baseUrl,
    authorization: () => `Bearer ${token.reveal()}`,
    headers: {
      Accept: "application/vnd.github+json",
      "X-GitHub-Api-Version": "2022-11-28",
    },
    deps,
  });
}

const itemSchema = z
  .object({
    number: z.number(),
    url: z.string().optional(),
    html_url: z.string().optional(),
    repository: z.object({ full_name: z.string() }).loose().optional(),
  })
  .loose();

function toRecord(
  source: GithubAlertsSource,
  item: unknown,
  ingestedAt: string,
  at: { page: number; index: number },
): IngestRecord {
  const shape = itemSchema.safeParse(item);
  if (!shape.success) throw malformed(at, shape.error.issues);
  const alert: Record<string, unknown> = { ...shape.data };
  if (source.hideSecret) delete alert.secret;
  // The repository list leaves `repository` out; the key needs it, or alert #2 of every
  // repository would be one finding. The alert's own URL names the canonical repository.
  alert.repository ??= { full_name: repositoryOf(source, shape.data) };
  try {
    return parseGithubAlert(alert, ingestedAt);
  } catch (error) {
    if (error instanceof z.ZodError) throw malformed(at, error.issues);
    throw error;
  }
}

function repositoryOf(
  source: GithubAlertsSource,
  alert: z.infer<typeof itemSchema>,
): string {
  for (const link of [alert.url, alert.html_url]) {
    const match =
      /\/repos\/([^/]+\/[^/]+)\/secret-scanning\//.exec(link ?? "") ??
      /^https?:\/\/[^/]+\/([^/]+\/[^/]+)\/security\/secret-scanning\//.exec(
        link ?? "",
      );
    if (match?.[1] !== undefined) return decodeURIComponent(match[1]);
  }
  return `${source.owner}/${source.repo ?? ""}`;
}

function malformed(
  at: { page: number; index: number },
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): PullError {
  const fields = describeIssues(issues);
  return new PullError(
    "UNEXPECTED_RESPONSE",
    `github-secret-scanning: page ${at.page} item ${at.index} is not an alert: ` +
      fields.join("; "),
    { details: { source: "github-secret-scanning", ...at, fields } },
  );
}

const root = (source: { baseUrl: string }) =>
  source.baseUrl.replace(/\/+$/, "");
const seg = encodeURIComponent;
const stamp = (deps: PullDeps) => (deps.now?.() ?? new Date()).toISOString();
