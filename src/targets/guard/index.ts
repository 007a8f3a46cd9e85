export { guardTarget } from "./guard-target.js";
export type { GuardOptions, PauseSwitch } from "./guard-target.js";
export { CircuitBreaker } from "./circuit-breaker.js";
export type { BreakerOptions, BreakerState } from "./circuit-breaker.js";
export { combineAnswers, probeUntil, realSleep } from "./probe-loop.js";
export type { ProbeLoopOptions, ProbeRound, Sleep } from "./probe-loop.js";
export { assertDue, startAction, stringParam } from "./action-result.js";
export { parseTargetConfig } from "./parse-config.js";
export type { TargetDeps } from "./target-deps.js";
