import Database from "better-sqlite3";
import { closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import { migrations } from "../migrations/index.js";

export function openDatabase(path: string): Database.Database {
  // The store holds sealed secrets, tickets and the journal: a new one is the owner's alone. SQLite
  // gives its -wal and -shm files the database file's mode, so creating that one 0600 is enough.
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  if (!existsSync(path)) closeSync(openSync(path, "a", 0o600));
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  // The journal is what makes a restart safe: a commit must survive a power cut.
  db.pragma("synchronous = FULL");
  db.pragma("foreign_keys = ON");
  // Freed pages are zeroed, so a shredded secret leaves no bytes behind in the file.
  db.pragma("secure_delete = ON");
  db.pragma("busy_timeout = 5000");
  return db;
}

const statements = new WeakMap<
  Database.Database,
  Map<string, Database.Statement>
>();

/**
 * A prepared statement, compiled once per connection: compiling took a tenth of the time of
 * storing a large report, a few statements per finding.
 */
export function cachedStatement(
  db: Database.Database,
  sql: string,
): Database.Statement {
  let byText = statements.get(db);
  if (byText === undefined) {
    byText = new Map();
    statements.set(db, byText);
  }
  let statement = byText.get(sql);
  if (statement === undefined) {
    statement = db.prepare(sql);
    byText.set(sql, statement);
  }
  return statement;
}

/** Applies the migrations not yet recorded, each in its own transaction. */
export function migrateDatabase(db: Database.Database): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const rows = db.prepare(`SELECT version FROM schema_migrations`).all() as {
    version: number;
  }[];
  const applied = new Set(rows.map((r) => r.version));
  for (const m of migrations) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare(
        `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
      ).run(m.version, m.name, new Date().toISOString());
    }).immediate();
  }
}
