export { createRunbookTarget, RUNBOOK_ACTION } from "./adapter.js";
export { runbookTargetSchema } from "./schema.js";
export type {
  RunbookJobConfig,
  RunbookTargetConfig,
  RunbookTargetInput,
} from "./schema.js";
