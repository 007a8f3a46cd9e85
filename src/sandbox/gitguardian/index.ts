export { createGitguardianSimulator } from "./simulator.js";
export type {
  GgFault,
  GitguardianSimOptions,
  GitguardianSimulator,
} from "./simulator.js";
export { makeIncident } from "./incidents.js";
export type { GgIncident, IncidentSeed } from "./incidents.js";
