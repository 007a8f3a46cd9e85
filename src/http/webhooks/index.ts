export { createJiraWebhookReceiver } from "./jira.js";
export type { JiraWebhookOptions } from "./jira.js";
export { createServiceNowWebhookReceiver } from "./servicenow.js";
export type { ServiceNowWebhookOptions } from "./servicenow.js";
export { createGithubAlertWebhookReceiver } from "./github/index.js";
export type { AlertRef, GithubAlertWebhookOptions } from "./github/index.js";
export { bodyKey, ReplayGuard } from "./replay-guard.js";
export type { ReplayGuardOptions } from "./replay-guard.js";
export { signSha256, verifySha256Signature } from "./signature.js";
export type {
  OnHint,
  WebhookHandler,
  WebhookHint,
  WebhookResult,
} from "./types.js";
