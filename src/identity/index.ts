export {
  targetMatchSchema,
  identityRuleSchema,
  ownershipSchema,
  ownershipRuleSchema,
} from "./schema.js";
export type {
  TargetMatch,
  IdentityRule,
  MatchableTarget,
  Ownership,
  OwnershipRule,
} from "./schema.js";
export { resolveIdentity } from "./resolve.js";
export { resolveOwner } from "./ownership.js";
export { parseCodeowners, ownersOf } from "./codeowners.js";
export { globToRegExp } from "./glob.js";
