export { createGithubAlertsSimulator } from "./simulator.js";
export type {
  GithubAlertsSimOptions,
  GithubAlertsSimulator,
  SeenRequest,
} from "./simulator.js";
export { alertWebhookPayload, makeAlert } from "./alerts.js";
export type { AlertSeed, RestAlert } from "./alerts.js";
export type { SimFault } from "./faults.js";
