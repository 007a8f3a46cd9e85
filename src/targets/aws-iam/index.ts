export { createAwsIamTarget } from "./adapter.js";
export { AWS_ACTIONS, planAwsIam, resolveAwsPrincipal } from "./plan.js";
export {
  awsIamTargetSchema,
  DENY_ALL_POLICY_ARN,
  QUARANTINE_POLICY_PREFIX,
} from "./schema.js";
export type { AwsIamTargetConfig, AwsIamTargetInput } from "./schema.js";
