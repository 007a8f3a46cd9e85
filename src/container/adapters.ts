import type { ItsmInstanceConfig, TargetConfig } from "../config/systems.js";
import type { ItsmRequestMetrics } from "../itsm/http/index.js";
import { createJiraAdapter } from "../itsm/jira/index.js";
import { createServiceNowAdapter } from "../itsm/servicenow/index.js";
import type { ItsmAdapter } from "../itsm/types.js";
import type { Logger } from "../logging/logger.js";
import { createAwsIamTarget } from "../targets/aws-iam/index.js";
import { createGithubTarget } from "../targets/github/index.js";
import { createPostgresTarget } from "../targets/postgres/index.js";
import { createRunbookTarget } from "../targets/runbook/index.js";
import { createSalesforceTarget } from "../targets/salesforce/index.js";
import type { TargetAdapter } from "../targets/types.js";

/** What every adapter factory receives besides its own configuration. */
export interface AdapterDeps {
  logger: Logger;
  env: NodeJS.ProcessEnv;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  /** ITSM adapters count their HTTP requests here; targets ignore it. */
  metrics?: ItsmRequestMetrics;
}

type ByKind<U extends { kind: string }, R> = {
  [K in U["kind"]]: (config: Extract<U, { kind: K }>, deps: AdapterDeps) => R;
};

/**
 * One factory per configured kind. The types make this exhaustive: a system added to
 * `config/systems.ts` does not compile until its factory is listed here.
 */
const ITSM_FACTORIES: ByKind<ItsmInstanceConfig, ItsmAdapter> = {
  servicenow: (config, deps) => createServiceNowAdapter(config, deps),
  jira: (config, deps) => createJiraAdapter(config, deps),
};

// `match`, `concurrency` and `breaker` are closeloop's own (identity resolver, guard); each target
// parses its own settings strictly.
const TARGET_FACTORIES: ByKind<TargetConfig, TargetAdapter> = {
  postgres: (config, deps) => createPostgresTarget(own(config), deps),
  "aws-iam": (config, deps) => createAwsIamTarget(own(config), deps),
  github: (config, deps) => createGithubTarget(own(config), deps),
  salesforce: (config, deps) => createSalesforceTarget(own(config), deps),
  runbook: (config, deps) => createRunbookTarget(own(config), deps),
};

/** A target's configuration without the fields closeloop reads around every target. */
function own<
  T extends { match?: unknown; concurrency: number; breaker: unknown },
>(config: T): Omit<T, "match" | "concurrency" | "breaker"> {
  const { match: _match, concurrency: _c, breaker: _b, ...rest } = config;
  return rest;
}

export function createItsmAdapter(
  config: ItsmInstanceConfig,
  deps: AdapterDeps,
): ItsmAdapter {
  const factory = ITSM_FACTORIES[config.kind] as (
    config: ItsmInstanceConfig,
    deps: AdapterDeps,
  ) => ItsmAdapter;
  return factory(config, deps);
}

export function createTargetAdapter(
  config: TargetConfig,
  deps: AdapterDeps,
): TargetAdapter {
  const factory = TARGET_FACTORIES[config.kind] as (
    config: TargetConfig,
    deps: AdapterDeps,
  ) => TargetAdapter;
  return factory(config, deps);
}
