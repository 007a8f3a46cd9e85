export { ServiceNowSimulator } from "./simulator.js";
export type { ServiceNowSimulatorOptions } from "./simulator.js";
export { SimulatorFaults } from "./faults.js";
export type { Forced429, RequestFault } from "./faults.js";
export { servicenowHandlers } from "./msw.js";
export { INTEGRATION_USER, DEFAULT_SANDBOX_PASSWORD } from "./seed.js";
export { CAB_GROUP_NAME } from "./approval-rules.js";
export type { GroupRule } from "./approval-rules.js";
export type { Decision } from "./state-model.js";
