export {
  createSalesforceTarget,
  type SalesforceTargetDeps,
} from "./adapter.js";
export {
  salesforceTargetSchema,
  type SalesforceTargetConfig,
  type SalesforceTargetInput,
} from "./schema.js";
export { SalesforceTargetError } from "./errors.js";
export { SALESFORCE_ACTIONS, planSalesforceActions } from "./plan.js";
export { signAssertion } from "./auth.js";
