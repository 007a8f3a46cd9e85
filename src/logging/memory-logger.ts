import type { LogFields, Logger } from "./logger.js";

export interface LoggedEvent {
  level: "debug" | "info" | "warn" | "error";
  event: string;
  fields: LogFields;
}

export interface MemoryLogger extends Logger {
  /** Every event logged through this logger or its children, oldest first. */
  readonly events: LoggedEvent[];
}

/** A logger that keeps events in memory, for tests that assert what was logged. */
export function createMemoryLogger(): MemoryLogger {
  const events: LoggedEvent[] = [];

  const bind = (bound: LogFields): Logger => {
    const log =
      (level: LoggedEvent["level"]) =>
      (event: string, fields: LogFields = {}) => {
        events.push({ level, event, fields: { ...bound, ...fields } });
      };
    return {
      debug: log("debug"),
      info: log("info"),
      warn: log("warn"),
      error: log("error"),
      child: (fields) => bind({ ...bound, ...fields }),
    };
  };

  return Object.assign(bind({}), { events });
}
