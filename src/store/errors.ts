import { CloseloopError, messageOf } from "../domain/errors.js";

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

/** A stored row that does not read back (a damaged file, or one written by something else). */
export class UnreadableRowError extends StoreError {
  constructor(fingerprint: string, column: string, cause: unknown) {
    super(
      "STORE_ROW_UNREADABLE",
      `the ${column} of finding ${fingerprint.slice(0, 12)} does not read back: ` +
        messageOf(cause),
      { cause, details: { fingerprint, column } },
    );
  }
}
