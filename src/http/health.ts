/**
 * What the daemon knows about the systems it talks to. Adapters and the engine report into a
 * `HealthTracker`; `/healthz` shows its report.
 */
export type ComponentState =
  | "ok"
  | "unknown"
  /** A ServiceNow developer instance asleep: 200 with an HTML page (servicenow.md §0.8). */
  | "hibernating"
  | "rate_limited"
  | "unreachable"
  | "auth_failed"
  | "failing";

export interface ComponentHealth {
  state: ComponentState;
  /** UTC ISO-8601 time the state last changed. */
  since: string;
  /** A short code or phrase, never a secret nor a response body. */
  detail?: string;
}

export interface HealthReport {
  /** `ok` when every component is; `degraded` when one is not. The process itself is alive. */
  status: "ok" | "degraded";
  itsm: Record<string, ComponentHealth>;
  targets: Record<string, ComponentHealth>;
  /** Pending work that waits on a sleeping or failing system (queued, never dropped). */
  queued?: number;
}

type Group = "itsm" | "targets";

/** A component that knows its own state (a ServiceNow adapter's `health()`). */
export type HealthSource = () => { state: ComponentState; since?: string };

export class HealthTracker {
  readonly #components: Record<Group, Map<string, ComponentHealth>> = {
    itsm: new Map(),
    targets: new Map(),
  };
  readonly #sources: [Group, string, HealthSource][] = [];
  readonly #now: () => Date;
  #queued: number | undefined;

  constructor(now: () => Date = () => new Date()) {
    this.#now = now;
  }

  /** Lists an instance as `unknown` until it reports. */
  register(group: Group, id: string): void {
    if (this.#components[group].has(id)) return;
    this.#components[group].set(id, { state: "unknown", since: this.#iso() });
  }

  /** Reads the component's own state on every report. */
  watch(group: Group, id: string, source: HealthSource): void {
    this.register(group, id);
    this.#sources.push([group, id, source]);
  }

  itsm(instance: string, state: ComponentState, detail?: string): void {
    this.#set("itsm", instance, state, detail);
  }

  target(id: string, state: ComponentState, detail?: string): void {
    this.#set("targets", id, state, detail);
  }

  queued(count: number): void {
    this.#queued = count;
  }

  report(): HealthReport {
    for (const [group, id, source] of this.#sources) {
      const { state, since } = source();
      this.#set(group, id, state);
      const entry = this.#components[group].get(id);
      if (entry !== undefined && since !== undefined) entry.since = since;
    }
    const itsm = Object.fromEntries(this.#components.itsm);
    const targets = Object.fromEntries(this.#components.targets);
    const all = [...Object.values(itsm), ...Object.values(targets)];
    const healthy = all.every((c) => c.state === "ok" || c.state === "unknown");
    const report: HealthReport = {
      status: healthy ? "ok" : "degraded",
      itsm,
      targets,
    };
    if (this.#queued !== undefined) report.queued = this.#queued;
    return report;
  }

  #set(group: Group, id: string, state: ComponentState, detail?: string) {
    const previous = this.#components[group].get(id);
    const since = previous?.state === state ? previous.since : this.#iso();
    const entry: ComponentHealth = { state, since };
    if (detail !== undefined) entry.detail = detail;
    this.#components[group].set(id, entry);
  }

  #iso(): string {
    return this.#now().toISOString();
  }
}
