import { createHash, createHmac, pbkdf2Sync, randomBytes } from "node:crypto";
import type { SecretValue } from "../../domain/secret.js";

const ITERATIONS = 4096;

/**
 * A SCRAM-SHA-256 verifier computed here, so the clear password never travels in SQL text that
 * could land in the server log or pg_stat_statements (reference targets.md §1.1 notes; RFC 7677).
 * The format is PostgreSQL's: `SCRAM-SHA-256$<iter>:<salt>$<StoredKey>:<ServerKey>`.
 *
 * PostgreSQL runs SASLprep on the password; for ASCII that is the identity, and NFKC is its core
 * for the rest. Passwords here are generated or ASCII in practice.
 */
export function scramVerifier(password: SecretValue): string {
  const salt = randomBytes(16);
  const prepared = password.reveal().normalize("NFKC");
  const salted = pbkdf2Sync(prepared, salt, ITERATIONS, 32, "sha256");
  const clientKey = createHmac("sha256", salted).update("Client Key").digest();
  const storedKey = createHash("sha256").update(clientKey).digest();
  const serverKey = createHmac("sha256", salted).update("Server Key").digest();
  return (
    `SCRAM-SHA-256$${ITERATIONS}:${salt.toString("base64")}` +
    `$${storedKey.toString("base64")}:${serverKey.toString("base64")}`
  );
}
