/** Thrown by a fake to stand for a process dying mid-call: not a CloseloopError on purpose. */
export class SimulatedCrash extends Error {
  constructor(
    readonly method: string,
    readonly phase: FaultPhase,
  ) {
    super(`simulated crash ${phase} ${method}`);
    this.name = "SimulatedCrash";
  }
}

/** `before`: the call never reaches the remote; `after`: it took effect, the answer is lost. */
export type FaultPhase = "before" | "after";

interface ArmedFault {
  method: string;
  phase: FaultPhase;
  remaining: number;
  error: () => Error;
}

/** Scriptable failures for fakes: arm a method to throw before or after its effect. */
export class Faults {
  #armed: ArmedFault[] = [];

  arm(
    method: string,
    phase: FaultPhase,
    options: { times?: number; error?: () => Error } = {},
  ): void {
    this.#armed.push({
      method,
      phase,
      remaining: options.times ?? 1,
      error: options.error ?? (() => new SimulatedCrash(method, phase)),
    });
  }

  clear(): void {
    this.#armed = [];
  }

  /** Throws when a fault is armed for this method and phase. */
  check(method: string, phase: FaultPhase): void {
    const fault = this.#armed.find(
      (f) => f.method === method && f.phase === phase && f.remaining > 0,
    );
    if (fault === undefined) return;
    fault.remaining -= 1;
    throw fault.error();
  }
}
