import {
  Counter,
  Gauge,
  Histogram,
  Registry,
  collectDefaultMetrics,
} from "prom-client";
import type { ActionOutcome } from "../targets/types.js";

/** What `/metrics` needs: Prometheus text and its content type. */
export interface MetricsRegistry {
  readonly contentType: string;
  render(): Promise<string>;
}

export interface MetricsOptions {
  /** Adds Node's process metrics (CPU, memory, event loop); off in tests. */
  processMetrics?: boolean;
}

/**
 * closeloop's metrics, on a registry of their own (never prom-client's global one, so two
 * daemons or two tests in one process never share counters). Labels carry configured ids (a
 * target, an ITSM instance), never a finding id, a ticket key or a secret.
 */
export class Metrics implements MetricsRegistry {
  readonly registry = new Registry();
  readonly #revocation: Histogram<"target">;
  readonly #openWithoutEvidence: Gauge<"instance">;
  readonly #actions: Counter<"target" | "outcome">;
  readonly #itsmRequests: Counter<"instance" | "method" | "status">;
  readonly #itsmRateLimited: Counter<"instance">;

  constructor(options: MetricsOptions = {}) {
    const registers = [this.registry];
    this.#revocation = new Histogram({
      name: "closeloop_detection_to_revocation_seconds",
      help: "Time from detection of a finding to its verified revocation, by target id.",
      labelNames: ["target"],
      // From minutes to a week: a change waits on a CAB, not on code.
      buckets: [
        60,
        300,
        900,
        3600,
        4 * 3600,
        12 * 3600,
        86400,
        3 * 86400,
        7 * 86400,
      ],
      registers,
    });
    this.#openWithoutEvidence = new Gauge({
      name: "closeloop_open_tickets_without_evidence",
      help:
        "Open tickets whose change has run but whose evidence is not confirmed attached, " +
        "by ITSM instance.",
      labelNames: ["instance"],
      registers,
    });
    this.#actions = new Counter({
      name: "closeloop_actions_total",
      help: "Actions executed on targets, by target id and outcome.",
      labelNames: ["target", "outcome"],
      registers,
    });
    this.#itsmRequests = new Counter({
      name: "closeloop_itsm_requests_total",
      help: "Requests to ITSM instances, by instance, method and HTTP status (or 'error').",
      labelNames: ["instance", "method", "status"],
      registers,
    });
    this.#itsmRateLimited = new Counter({
      name: "closeloop_itsm_rate_limited_total",
      help: "Requests an ITSM instance answered with 429.",
      labelNames: ["instance"],
      registers,
    });
    if (options.processMetrics === true) {
      collectDefaultMetrics({ register: this.registry });
    }
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  /** A credential on `target` was verified revoked; `detectedAt` is its detection's ISO time. */
  revocationVerified(
    target: string,
    detectedAt: string,
    verifiedAt: Date = new Date(),
  ): void {
    const seconds = (verifiedAt.getTime() - Date.parse(detectedAt)) / 1000;
    if (!Number.isFinite(seconds) || seconds < 0) return;
    this.#revocation.observe({ target }, seconds);
  }

  /** The whole count per instance, read from the store: instances left out are dropped. */
  openTicketsWithoutEvidence(counts: ReadonlyMap<string, number>): void {
    this.#openWithoutEvidence.reset();
    for (const [instance, count] of counts) {
      this.#openWithoutEvidence.set({ instance }, count);
    }
  }

  actionExecuted(target: string, outcome: ActionOutcome): void {
    this.#actions.inc({ target, outcome });
  }

  /** One request to an ITSM: `status` is the HTTP status, or `error` when none came back. */
  itsmRequest(
    instance: string,
    method: string,
    status: number | "error",
  ): void {
    this.#itsmRequests.inc({ instance, method, status: String(status) });
    if (status === 429) this.#itsmRateLimited.inc({ instance });
  }
}
