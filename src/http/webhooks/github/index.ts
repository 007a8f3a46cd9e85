export { createGithubAlertWebhookReceiver } from "./secret-scanning.js";
export type { AlertRef, GithubAlertWebhookOptions } from "./secret-scanning.js";
