export { createAwsSimulator, signingKeyId } from "./simulator.js";
export type { AwsSimulator, AwsSimulatorOptions } from "./simulator.js";
export { createAwsSimState, addSimUser } from "./state.js";
export type { AwsSimSeed, AwsSimState, AwsSimUserSeed } from "./state.js";
