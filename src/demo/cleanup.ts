/**
 * What the demo started, undone in reverse order whatever happened: servers stopped, ports
 * released, temporary directories removed. Each undo runs once; a failing one does not stop the
 * others, and its error is reported, not thrown.
 */
export interface CleanupFailure {
  name: string;
  error: unknown;
}

export class CleanupStack {
  readonly #steps: { name: string; undo: () => Promise<void> | void }[] = [];
  #ran = false;

  /** Registers an undo step right after the thing it undoes was started. */
  defer(name: string, undo: () => Promise<void> | void): void {
    if (this.#ran) {
      void Promise.resolve(undo()).catch(() => undefined);
      return;
    }
    this.#steps.push({ name, undo });
  }

  /** Runs every registered step, last first; safe to call more than once. */
  async runAll(): Promise<CleanupFailure[]> {
    this.#ran = true;
    const failures: CleanupFailure[] = [];

    while (this.#steps.length > 0) {
      const step = this.#steps.pop();
      if (step === undefined) break;
      try {
        await step.undo();
      } catch (error) {
        failures.push({ name: step.name, error });
      }
    }
    return failures;
  }

  get size(): number {
    return this.#steps.length;
  }
}
