import { assertNever } from "../../domain/errors.js";
import type { IngestRecord } from "../types.js";
import { pullCertificates } from "./certificates.js";
import { pullGitguardianIncidents } from "./gitguardian.js";
import { pullGithubAlerts } from "./github-alerts.js";
import type { PullDeps } from "./http-client.js";
import type { PullSource } from "./schema.js";

/**
 * Every finding a source's API lists now, page after page. Status is the source's: a resolved
 * alert comes back `resolved` (or `suppressed` for a false positive). What a pull does not list
 * is not reported at all: absence proves nothing (cases BR-01), so nothing is resolved for it.
 * Records stream as pages arrive; a caller that wants all or nothing collects them first.
 */
export function pullFindings(
  source: PullSource,
  deps: PullDeps,
): AsyncIterable<IngestRecord> {
  switch (source.kind) {
    case "github-secret-scanning":
      return pullGithubAlerts(source, deps);
    case "gitguardian":
      return pullGitguardianIncidents(source, deps);
    case "certificates":
      return pullCertificates(source, deps);
    default:
      return assertNever(source, "pull source kind");
  }
}
