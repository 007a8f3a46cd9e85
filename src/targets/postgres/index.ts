export { createPostgresTarget, type PostgresTargetDeps } from "./adapter.js";
export {
  postgresTargetSchema,
  type PostgresTargetConfig,
  type PostgresTargetInput,
} from "./config.js";
export { PostgresTargetError } from "./errors.js";
export { POSTGRES_ACTIONS, planPostgresActions } from "./plan.js";
export { scramVerifier } from "./scram.js";
