export { JiraSimulator } from "./simulator.js";
export type {
  JiraFault,
  JiraSimulatorOptions,
  RecordedRequest,
} from "./simulator.js";
export { jiraHandlers } from "./handlers.js";
export { defaultWorkflow, hopWorkflow, sandboxUsers } from "./model.js";
export type { SimIssue, SimProject, SimWorkflow } from "./model.js";
export type { JiraRateLimit } from "./rate-limit.js";
export type { ChangelogItem, MoveOptions } from "./move.js";
