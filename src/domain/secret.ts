import { createHash } from "node:crypto";
import { inspect } from "node:util";

const REDACTED = "[REDACTED]";

/**
 * A raw secret value in memory. It never prints itself: not through String(), JSON.stringify,
 * util.inspect (console, winston) nor template strings. Only `reveal()` gives the value, and only
 * the custody store and a target's probe call it.
 */
export class SecretValue {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  /** SHA-256 of the raw value, hex: safe to store and compare. */
  sha256(): string {
    return sha256Hex(this.#value);
  }

  get length(): number {
    return this.#value.length;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}

export function sha256Hex(value: string | Buffer): string {
  return createHash("sha256").update(value).digest("hex");
}

/**
 * A preview a person can recognise and nobody can use: the first and last characters of a long
 * value, nothing of a short one.
 */
export function maskSecret(value: string): string {
  const flat = value.replace(/\s+/g, " ").trim();
  if (flat.length < 12) return "*".repeat(Math.max(flat.length, 4));
  const keep = flat.length >= 24 ? 4 : 2;
  return `${flat.slice(0, keep)}${"*".repeat(8)}${flat.slice(-keep)}`;
}
