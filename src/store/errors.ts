import { CloseloopError } from "../domain/errors.js";

/** The finding was not in the state the caller expected: another worker moved it first. */
export class StateConflictError extends CloseloopError {
  constructor(fingerprint: string, expected: string, actual: string | null) {
    super(
      "STATE_CONFLICT",
      `finding ${fingerprint.slice(0, 12)} is ${actual ?? "missing"}, expected ${expected}`,
      { details: { fingerprint, expected, actual } },
    );
  }
}

export class StoreError extends CloseloopError {}
