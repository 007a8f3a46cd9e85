/** A 429 to answer once, with the headers a rate-limit rule or a semaphore queue would send. */
export interface Forced429 {
  retryAfter?: string;
  /** X-RateLimit-Reset, UNIX seconds. Absent = the semaphore kind (no headers, reference §7). */
  reset?: string;
}

export interface RequestFault {
  match: (request: Request, url: URL) => boolean;
  status: number;
  times: number;
}

/**
 * Failures a test or the demo switches on. Each is consumed as it fires, so a test says exactly
 * how many times the simulator misbehaves.
 */
export class SimulatorFaults {
  hibernating = false;
  #forced429: Forced429[] = [];
  #dropCreates = 0;
  #hiddenForQueries = 0;
  #swallowStatePatches = 0;
  #requestFaults: RequestFault[] = [];

  /** Every request answers 200 with the hibernation HTML page (cases BR-06). */
  hibernate(on = true): void {
    this.hibernating = on;
  }

  /** The next requests answer 429, one per entry. */
  force429(sequence: Forced429[]): void {
    this.#forced429.push(...sequence);
  }

  /**
   * The next change create is written, then its connection is dropped with no response; the new
   * record stays invisible to the next `hiddenForQueries` filtered queries (index lag, BR-22).
   */
  dropConnectionAfterCreate(options: { hiddenForQueries?: number } = {}): void {
    this.#dropCreates += 1;
    this.#hiddenForQueries = options.hiddenForQueries ?? 0;
  }

  /** The next `count` PATCHes of a change's state answer 200 and leave the state (§0.3). */
  ignoreStatePatches(count = 1): void {
    this.#swallowStatePatches += count;
  }

  /** Answers `status` to the next `times` requests that match. */
  failRequests(fault: RequestFault): void {
    this.#requestFaults.push({ ...fault });
  }

  takeForced429(): Forced429 | undefined {
    return this.#forced429.shift();
  }

  takeDropCreate(): { hiddenForQueries: number } | null {
    if (this.#dropCreates === 0) return null;
    this.#dropCreates -= 1;
    return { hiddenForQueries: this.#hiddenForQueries };
  }

  takeSwallowStatePatch(): boolean {
    if (this.#swallowStatePatches === 0) return false;
    this.#swallowStatePatches -= 1;
    return true;
  }

  takeRequestFault(request: Request, url: URL): number | null {
    const fault = this.#requestFaults.find(
      (f) => f.times > 0 && f.match(request, url),
    );
    if (fault === undefined) return null;
    fault.times -= 1;
    return fault.status;
  }
}
