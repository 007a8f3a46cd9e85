import type { SecretValue } from "../domain/secret.js";

/**
 * The raw secrets in memory that log lines must never show: the configuration's credentials and
 * any leaked value decrypted for a probe. The logger asks `values()` on every line.
 */
export class RedactionSet {
  readonly #secrets = new Set<SecretValue>();

  add(...secrets: SecretValue[]): void {
    for (const secret of secrets) this.#secrets.add(secret);
  }

  delete(secret: SecretValue): void {
    this.#secrets.delete(secret);
  }

  values(): string[] {
    return [...this.#secrets].map((secret) => secret.reveal());
  }
}
