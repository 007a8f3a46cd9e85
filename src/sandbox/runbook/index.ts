export { createRunbookSimulator } from "./simulator.js";
export type {
  RunbookSimJob,
  RunbookSimulator,
  RunbookSimulatorOptions,
} from "./simulator.js";
