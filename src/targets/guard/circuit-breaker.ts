import { CloseloopError } from "../../domain/errors.js";

export interface BreakerOptions {
  /** Consecutive failed actions that open the circuit. */
  failureThreshold: number;
  /** How long the circuit stays open before one trial action is let through. */
  resetAfterMs: number;
}

export type BreakerState = "closed" | "open" | "half-open";

/**
 * Stops sending actions to a target that keeps failing. Open: every action is refused with
 * CIRCUIT_OPEN (retryable) until `resetAfterMs` has passed; then one trial goes through, and its
 * outcome closes or re-opens the circuit.
 */
export class CircuitBreaker {
  readonly #options: BreakerOptions;
  readonly #now: () => Date;
  #failures = 0;
  #openedAt: number | null = null;
  #trialRunning = false;

  constructor(options: BreakerOptions, now: () => Date) {
    this.#options = options;
    this.#now = now;
  }

  get state(): BreakerState {
    if (this.#openedAt === null) return "closed";
    const elapsed = this.#now().getTime() - this.#openedAt;
    return elapsed >= this.#options.resetAfterMs ? "half-open" : "open";
  }

  /** Admits one action or throws CIRCUIT_OPEN. */
  admit(targetId: string): void {
    const state = this.state;
    if (state === "closed") return;
    if (state === "half-open" && !this.#trialRunning) {
      this.#trialRunning = true;
      return;
    }

    const openedAt = this.#openedAt ?? this.#now().getTime();
    const waitMs = Math.max(
      openedAt + this.#options.resetAfterMs - this.#now().getTime(),
      1_000,
    );
    throw new CloseloopError(
      "CIRCUIT_OPEN",
      `target ${targetId} is paused after ${this.#failures} consecutive failed actions`,
      {
        retryable: true,
        retryAfterMs: waitMs,
        details: { targetId, failures: this.#failures, state },
      },
    );
  }

  recordSuccess(): void {
    this.#failures = 0;
    this.#openedAt = null;
    this.#trialRunning = false;
  }

  recordFailure(): void {
    this.#failures += 1;
    const trialFailed = this.#trialRunning;
    this.#trialRunning = false;
    if (trialFailed || this.#failures >= this.#options.failureThreshold) {
      this.#openedAt = this.#now().getTime();
    }
  }

  /** An action that ended neither way (not due yet, paused): frees a trial slot only. */
  recordNeutral(): void {
    this.#trialRunning = false;
  }
}
