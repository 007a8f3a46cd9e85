export { loadConfig, parseConfig, configError } from "./load.js";
export type { ParseConfigOptions } from "./load.js";
export { checkConfig } from "./check.js";
export type { ConfigCheck, ConfigSummary } from "./check.js";
export { configSchema } from "./schema.js";
export type {
  Config,
  ConfigInput,
  PolicyConfig,
  RoutingConfig,
  RoutingRule,
  UnresolvedRouting,
} from "./schema.js";
export type { ItsmInstanceConfig, TargetConfig } from "./systems.js";
export {
  routeFinding,
  routeFor,
  routeUnresolvedFor,
  unresolvedInstances,
} from "./routing.js";
export type { Route } from "./routing.js";
export { findSecretRefs, resolveConfigSecrets, formatPath } from "./secrets.js";
export type { ConfigProblem, FoundSecretRef } from "./secrets.js";
export { secretRefSchema, resolveSecretRef } from "./secret-ref.js";
export type { SecretRef } from "./secret-ref.js";
export {
  GITHUB_WEBHOOK_PATH,
  itsmWebhookPath,
  webhooksConfigSchema,
} from "./webhooks.js";
export type { WebhooksConfig } from "./webhooks.js";
export { sourceConfigSchema, DEFAULT_SOURCE_INTERVAL_MS } from "./sources.js";
export type { SourceConfig } from "./sources.js";
export type { SourceEntry } from "./schema.js";
