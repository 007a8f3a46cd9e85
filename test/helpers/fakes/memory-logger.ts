import { inspect } from "node:util";
import type { LogFields, Logger } from "../../../src/logging/logger.js";

export interface LogLine {
  level: "debug" | "info" | "warn" | "error";
  event: string;
  fields: LogFields;
}

/** Keeps every line, so a test can look for an event or grep the output for a canary. */
export class MemoryLogger implements Logger {
  constructor(
    readonly lines: LogLine[] = [],
    readonly base: LogFields = {},
  ) {}

  debug(event: string, fields: LogFields = {}): void {
    this.lines.push({
      level: "debug",
      event,
      fields: { ...this.base, ...fields },
    });
  }

  info(event: string, fields: LogFields = {}): void {
    this.lines.push({
      level: "info",
      event,
      fields: { ...this.base, ...fields },
    });
  }

  warn(event: string, fields: LogFields = {}): void {
    this.lines.push({
      level: "warn",
      event,
      fields: { ...this.base, ...fields },
    });
  }

  error(event: string, fields: LogFields = {}): void {
    this.lines.push({
      level: "error",
      event,
      fields: { ...this.base, ...fields },
    });
  }

  child(fields: LogFields): Logger {
    return new MemoryLogger(this.lines, { ...this.base, ...fields });
  }

  events(): string[] {
    return this.lines.map((l) => l.event);
  }

  /** Everything written, as a sink would print it (util.inspect honours SecretValue). */
  text(): string {
    return this.lines
      .map((l) => `${l.level} ${l.event} ${inspect(l.fields, { depth: 8 })}`)
      .join("\n");
  }
}
