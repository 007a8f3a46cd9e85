export { SalesforceSimulator } from "./simulator.js";
export type { SalesforceSimulatorOptions } from "./simulator.js";
export { SalesforceFaults } from "./faults.js";
export { salesforceHandlers } from "./msw.js";
export { SalesforceState } from "./state.js";
export type { SalesforceSimSeed, SfApp } from "./state.js";
