import type { ItsmInstanceConfig, TargetConfig } from "../config/systems.js";
import { CloseloopError } from "../domain/errors.js";
import type { ItsmRequestMetrics } from "../itsm/http/index.js";
import type { ItsmAdapter } from "../itsm/types.js";
import type { Logger } from "../logging/logger.js";
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

type Factory<C, R> = (config: C, deps: AdapterDeps) => R;

type Loaders<U extends { kind: string }, R> = {
  [K in U["kind"]]: () => Promise<Factory<Extract<U, { kind: K }>, R>>;
};

/**
 * One loader per configured kind, each importing its adapter when a configuration names the kind:
 * a run that configures ServiceNow and PostgreSQL never loads jira.js, jsforce or the AWS SDK
 * (each tens of MB). The types make this exhaustive: a system added to `config/systems.ts` does
 * not compile until its loader is listed here.
 */
const ITSM_LOADERS: Loaders<ItsmInstanceConfig, ItsmAdapter> = {
  servicenow: async () => {
    const { createServiceNowAdapter } =
      await import("../itsm/servicenow/adapter.js");
    return (config, deps) => createServiceNowAdapter(config, deps);
  },
  jira: async () => {
    const { createJiraAdapter } = await import("../itsm/jira/adapter.js");
    return (config, deps) => createJiraAdapter(config, deps);
  },
};

// `match`, `concurrency` and `breaker` are closeloop's own (identity resolver, guard); each target
// parses its own settings strictly.
const TARGET_LOADERS: Loaders<TargetConfig, TargetAdapter> = {
  postgres: async () => {
    const { createPostgresTarget } =
      await import("../targets/postgres/adapter.js");
    return (config, deps) => createPostgresTarget(own(config), deps);
  },
  "aws-iam": async () => {
    const { createAwsIamTarget } =
      await import("../targets/aws-iam/adapter.js");
    return (config, deps) => createAwsIamTarget(own(config), deps);
  },
  github: async () => {
    const { createGithubTarget } = await import("../targets/github/adapter.js");
    return (config, deps) => createGithubTarget(own(config), deps);
  },
  salesforce: async () => {
    const { createSalesforceTarget } =
      await import("../targets/salesforce/adapter.js");
    return (config, deps) => createSalesforceTarget(own(config), deps);
  },
  runbook: async () => {
    const { createRunbookTarget } =
      await import("../targets/runbook/adapter.js");
    return (config, deps) => createRunbookTarget(own(config), deps);
  },
};

const itsmFactories = new Map<
  string,
  Factory<ItsmInstanceConfig, ItsmAdapter>
>();
const targetFactories = new Map<string, Factory<TargetConfig, TargetAdapter>>();

/** Loads the adapter of every kind the configuration names: before a container is built. */
export async function loadAdapters(config: {
  itsm: readonly ItsmInstanceConfig[];
  targets: readonly TargetConfig[];
}): Promise<void> {
  for (const { kind } of config.itsm) {
    if (itsmFactories.has(kind)) continue;
    const load = ITSM_LOADERS[kind] as () => Promise<
      Factory<ItsmInstanceConfig, ItsmAdapter>
    >;
    itsmFactories.set(kind, await load());
  }
  for (const { kind } of config.targets) {
    if (targetFactories.has(kind)) continue;
    const load = TARGET_LOADERS[kind] as () => Promise<
      Factory<TargetConfig, TargetAdapter>
    >;
    targetFactories.set(kind, await load());
  }
}

function notLoaded(kind: string): CloseloopError {
  return new CloseloopError(
    "ADAPTER_NOT_LOADED",
    `the ${kind} adapter is not loaded: loadAdapters(config) comes before the container`,
    { details: { kind } },
  );
}

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
  const factory = itsmFactories.get(config.kind);
  if (factory === undefined) throw notLoaded(config.kind);
  return factory(config, deps);
}

export function createTargetAdapter(
  config: TargetConfig,
  deps: AdapterDeps,
): TargetAdapter {
  const factory = targetFactories.get(config.kind);
  if (factory === undefined) throw notLoaded(config.kind);
  return factory(config, deps);
}
