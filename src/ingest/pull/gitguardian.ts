import { resolveSecretRef } from "../../config/secret-ref.js";
import { IngestError } from "../errors.js";
import { gitguardianApi } from "../formats/gitguardian-api.js";
import type { IngestRecord, ItemParser } from "../types.js";
import { PullError } from "./errors.js";
import { createPullClient } from "./http-client.js";
import type { PullDeps } from "./http-client.js";
import type { GitguardianSource } from "./schema.js";

/**
 * GitGuardian secret incidents (`GET /v1/incidents/secrets`, reference §4), every cursor page
 * (docs.gitguardian.com/api-docs/pagination: follow the `link` header until it is absent).
 * Items are parsed by ingest's `gitguardian-api` format: one incident is one secret, keyed by
 * its incident id. The API never sends the raw value, so these records carry none.
 */
export async function* pullGitguardianIncidents(
  source: GitguardianSource,
  deps: PullDeps,
): AsyncGenerator<IngestRecord> {
  const token = resolveSecretRef(
    source.token,
    "sources.gitguardian.token",
    deps.env,
  );
  const client = createPullClient({
    source: source.kind,
    baseUrl: source.baseUrl,
    authorization: () => `Token ${token.reveal()}`,
    deps,
  });
  const query = new URLSearchParams({ per_page: String(source.perPage) });
  if (source.status !== undefined) query.set("status", source.status);
  const first = `${source.baseUrl.replace(/\/+$/, "")}/v1/incidents/secrets?${query.toString()}`;
  const ingestedAt = (deps.now?.() ?? new Date()).toISOString();
  const parse = gitguardianApi.createParser({
    file: "gitguardian-api",
    sourceRoot: undefined,
    ingestedAt,
    readRegion: () => null,
  });

  let pages = 0;
  let records = 0;
  let index = 0;
  for await (const { items, page } of client.pages(first)) {
    pages = page;
    for (const value of items) {
      for (const record of parseIncident(parse, value, index, page)) {
        records += 1;
        yield record;
      }
      index += 1;
    }
  }
  deps.logger.info("pull.completed", { source: source.kind, pages, records });
}

function parseIncident(
  parse: ItemParser,
  value: unknown,
  index: number,
  page: number,
): IngestRecord[] {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new PullError(
      "UNEXPECTED_RESPONSE",
      `gitguardian: page ${page} item ${index} is not an incident`,
      { details: { source: "gitguardian", page, index } },
    );
  try {
    return parse({ pattern: 0, path: [index], value, index });
  } catch (error) {
    // IngestError names the item and its fields, never their values: safe to keep as the cause.
    if (!(error instanceof IngestError)) throw error;
    throw new PullError(
      "UNEXPECTED_RESPONSE",
      `gitguardian: page ${page} item ${index} is not an incident`,
      { cause: error, details: { source: "gitguardian", page, index } },
    );
  }
}
