export { createServiceNowAdapter } from "./adapter.js";
export type { ServiceNowAdapter, ServiceNowAdapterDeps } from "./adapter.js";
export {
  DEFAULT_CORRELATION_PREFIX,
  servicenowInstanceSchema,
} from "./config.js";
export type { ServiceNowInstanceConfig } from "./config.js";
export type { InstanceHealth, InstanceHealthState } from "./health.js";
export { glideToIso, rawValue, refId } from "./schema.js";
export { nextLink } from "./feed.js";
