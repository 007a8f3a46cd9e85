export { createGithubTarget } from "./adapter.js";
export { GITHUB_ACTIONS, planGithub, tokenPrefixOf } from "./plan.js";
export { githubTargetSchema } from "./schema.js";
export type { GithubTargetConfig, GithubTargetInput } from "./schema.js";
