export { jiraInstanceSchema } from "./config.js";
export type { JiraInstanceConfig, JiraInstanceInput } from "./config.js";
export { createJiraAdapter } from "./adapter.js";
export type { JiraAdapterDeps } from "./adapter.js";
export {
  toAdf,
  truncateSummary,
  truncateDescription,
  adfTextLength,
} from "./adf.js";
export type { AdfDoc } from "./adf.js";
export { JiraError } from "./errors.js";
export { CLOSELOOP_LABEL, LINK_PROPERTY, correlationLabel } from "./fields.js";
