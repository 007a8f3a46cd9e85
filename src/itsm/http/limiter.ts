import Bottleneck from "bottleneck";

export interface RequestLimiter {
  /** Runs `fn` when the rate allows; calls run in submission order. */
  schedule<T>(fn: () => Promise<T>): Promise<T>;
  /** Drops queued work; for shutdown. */
  stop(): Promise<void>;
}

export interface LimiterOptions {
  /** Requests started per second, steady state. */
  ratePerSecond: number;
  /** Requests in flight at once. */
  maxConcurrent?: number;
}

/**
 * One limiter per ITSM instance, shared by every call the adapter makes to it, so the instance
 * sees one steady rate whatever the number of findings in flight.
 */
export function createRequestLimiter(options: LimiterOptions): RequestLimiter {
  const rate = options.ratePerSecond;
  if (!(rate > 0)) {
    throw new RangeError(`ratePerSecond must be positive, got ${rate}`);
  }

  const bottleneck = new Bottleneck({
    minTime: Math.floor(1000 / rate),
    maxConcurrent: options.maxConcurrent ?? 4,
  });

  return {
    schedule: (fn) => bottleneck.schedule(fn),
    stop: () => bottleneck.stop({ dropWaitingJobs: true }),
  };
}

/** Passes straight through: for tests that are not about rate. */
export const unlimited: RequestLimiter = {
  schedule: (fn) => fn(),
  stop: () => Promise.resolve(),
};
