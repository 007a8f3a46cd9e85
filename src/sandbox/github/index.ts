export { createGithubSimulator } from "./simulator.js";
export type { GithubSimulator } from "./simulator.js";
export { createGithubSimState, revokeSimToken } from "./state.js";
export type { GithubSimSeed, GithubSimState } from "./state.js";
