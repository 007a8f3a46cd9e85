import type { Database } from "better-sqlite3";
import type { SealedSecret } from "../../custody/types.js";
import { cachedStatement } from "./database.js";
import { type SecretRow, toSealed } from "./rows.js";

export function putSecret(
  db: Database,
  fp: string,
  sealed: SealedSecret,
  at: string,
): void {
  cachedStatement(
    db,
    `INSERT INTO secrets (fingerprint, key_id, iv, tag, ciphertext, updated_at)
     VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (fingerprint) DO UPDATE SET key_id = excluded.key_id, iv = excluded.iv,
       tag = excluded.tag, ciphertext = excluded.ciphertext, updated_at = excluded.updated_at`,
  ).run(fp, sealed.keyId, sealed.iv, sealed.tag, sealed.ciphertext, at);
}

export function getSecret(db: Database, fp: string): SealedSecret | null {
  const row = db
    .prepare(`SELECT * FROM secrets WHERE fingerprint = ?`)
    .get(fp) as SecretRow | undefined;
  return row === undefined ? null : toSealed(row);
}

/**
 * Zeroes the sealed bytes in place, then deletes the row. With `secure_delete` on, SQLite also
 * zeroes the freed pages, so neither the file nor the WAL keeps the old ciphertext around.
 */
export function shredSecret(db: Database, fp: string): void {
  db.prepare(
    `UPDATE secrets SET iv = zeroblob(length(iv)), tag = zeroblob(length(tag)),
       ciphertext = zeroblob(length(ciphertext)), key_id = '' WHERE fingerprint = ?`,
  ).run(fp);
  db.prepare(`DELETE FROM secrets WHERE fingerprint = ?`).run(fp);
}

export function listSecrets(
  db: Database,
): { fingerprint: string; sealed: SealedSecret }[] {
  const rows = db.prepare(`SELECT * FROM secrets`).all() as SecretRow[];
  return rows.map((r) => ({ fingerprint: r.fingerprint, sealed: toSealed(r) }));
}
