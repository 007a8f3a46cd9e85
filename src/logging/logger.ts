export type LogFields = Record<string, unknown>;

/**
 * What the code logs through: a named event and its fields. No sentence with values in it.
 * Event names are stable (`ticket.created`, `action.executed`); fields are redacted before output.
 */
export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

/** A logger that drops everything: for library code called without one. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
