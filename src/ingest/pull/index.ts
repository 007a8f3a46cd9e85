export {
  certificatesSourceSchema,
  githubAlertsSourceSchema,
  gitguardianSourceSchema,
  NAMES_NOTHING,
  namesSomething,
  pullSourceSchema,
} from "./schema.js";
export type {
  CertificatesSource,
  GithubAlertsSource,
  GitguardianSource,
  PullSource,
} from "./schema.js";
export { pullFindings } from "./pull-findings.js";
export { fetchGithubAlert, pullGithubAlerts } from "./github-alerts.js";
export { pullGitguardianIncidents } from "./gitguardian.js";
export type { PullDeps } from "./http-client.js";
export { PullError } from "./errors.js";
export type { PullErrorCode } from "./errors.js";
