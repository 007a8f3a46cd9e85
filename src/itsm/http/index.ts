export {
  ItsmError,
  errorFromStatus,
  isItsmError,
  pickRetryHeaders,
} from "./errors.js";
export type {
  ItsmErrorCode,
  ItsmErrorOptions,
  RetryHeaders,
} from "./errors.js";
export {
  computeRetryDelay,
  realSleep,
  serverWaitMs,
  withRetry,
} from "./retry.js";
export type { RetryDelayOptions, WithRetryOptions } from "./retry.js";
export { createRequestLimiter, unlimited } from "./limiter.js";
export type { LimiterOptions, RequestLimiter } from "./limiter.js";
export { classifyNetworkError, isJsonContentType } from "./transport.js";
export { countingAdapter, requestReporter } from "./request-metrics.js";
export type { ItsmRequestMetrics, RequestReport } from "./request-metrics.js";
