import winston from "winston";
import type { Logform } from "winston";
import type { LogFields, Logger } from "./logger.js";
import { redactString, redactValue } from "./redact.js";

export type LogLevel = "error" | "warn" | "info" | "debug";
export type LogFormat = "json" | "pretty";

export interface WinstonLoggerOptions {
  level: LogLevel;
  /** JSON lines in production; `pretty` for a person at a terminal. */
  format: LogFormat;
  /** Where lines go; standard output by default. */
  stream?: NodeJS.WritableStream;
  /** The raw secrets in memory right now; asked on every line, so new ones are masked at once. */
  redactValues?: () => readonly string[];
}

// winston's serialised line lives under this symbol (triple-beam's MESSAGE).
const MESSAGE = Symbol.for("message");
const RESERVED = new Set(["time", "level", "event"]);

interface EventInfo extends Logform.TransformableInfo {
  fields?: LogFields;
  time?: string;
}

/**
 * The production logger: events with fields, JSON or pretty. Redaction runs twice: on the field
 * tree (names, `SecretValue`s) before the line is written, and on the finished line as the very
 * last format, so nothing a formatter adds escapes it.
 */
export function createWinstonLogger(options: WinstonLoggerOptions): Logger {
  const values = options.redactValues ?? (() => []);
  const render = options.format === "json" ? renderJson : renderPretty;

  const redactFields = winston.format((info: EventInfo) => {
    info.fields = redactValue(info.fields ?? {}, values()) as LogFields;
    return info;
  });
  const serialise = winston.format((info: EventInfo) => {
    Object.assign(info, { [MESSAGE]: render(info) });
    return info;
  });
  const redactLine = winston.format((info: EventInfo) => {
    const line = (info as Record<symbol, unknown>)[MESSAGE];
    if (typeof line === "string") {
      Object.assign(info, { [MESSAGE]: redactString(line, values()) });
    }
    return info;
  });

  const root = winston.createLogger({
    level: options.level,
    format: winston.format.combine(redactFields(), serialise(), redactLine()),
    transports: [
      new winston.transports.Stream({
        stream: options.stream ?? process.stdout,
      }),
    ],
  });

  return bind(root, {});
}

function bind(root: winston.Logger, bound: LogFields): Logger {
  const log =
    (level: LogLevel) =>
    (event: string, fields: LogFields = {}): void => {
      // winston filters by level only in its transports, after every format has run: a line
      // below the level was built, redacted and serialised for nothing (a second and a half
      // for the 200,000 `finding.ingested` events of a large report).
      if (!root.isLevelEnabled(level)) return;
      root.log({
        level,
        message: event,
        time: new Date().toISOString(),
        fields: { ...bound, ...fields },
      });
    };

  return {
    debug: log("debug"),
    info: log("info"),
    warn: log("warn"),
    error: log("error"),
    child: (fields) => bind(root, { ...bound, ...fields }),
  };
}

function renderJson(info: EventInfo): string {
  const line: Record<string, unknown> = {
    time: info.time,
    level: info.level,
    event: info.message,
  };
  for (const [key, value] of Object.entries(info.fields ?? {})) {
    line[RESERVED.has(key) ? `field.${key}` : key] = value;
  }
  return JSON.stringify(line);
}

function renderPretty(info: EventInfo): string {
  const time = (info.time ?? "").slice(11, 23);
  const level = info.level.toUpperCase().padEnd(5);
  const pairs = Object.entries(info.fields ?? {}).map(
    ([key, value]) =>
      `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`,
  );
  return [time, level, String(info.message), ...pairs].join(" ");
}
