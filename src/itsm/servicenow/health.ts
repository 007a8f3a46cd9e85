import type { ItsmError } from "../http/index.js";

export type InstanceHealthState = "ok" | "hibernating" | "unreachable";

export interface InstanceHealth {
  state: InstanceHealthState;
  /** UTC ISO-8601 time the instance entered this state. */
  since?: string;
}

/** What the health endpoint reports for one instance, from the outcome of the latest calls. */
export class HealthTracker {
  #current: InstanceHealth = { state: "ok" };
  readonly #now: () => Date;

  constructor(now: () => Date) {
    this.#now = now;
  }

  get(): InstanceHealth {
    return { ...this.#current };
  }

  ok(): void {
    this.#set("ok");
  }

  failed(error: ItsmError): void {
    if (error.code !== "INSTANCE_UNAVAILABLE") return;
    const reason = error.details.reason;
    this.#set(reason === "hibernating" ? "hibernating" : "unreachable");
  }

  #set(state: InstanceHealthState): void {
    if (this.#current.state === state) return;
    this.#current =
      state === "ok" ? { state } : { state, since: this.#now().toISOString() };
  }
}
