import Database from "better-sqlite3";
import { closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import { migrations } from "../migrations/index.js";

/** The largest SQLite allows. */
export const PAGE_SIZE = 65_536;

export function openDatabase(path: string): Database.Database {
  // The store holds sealed secrets, tickets and the journal: a new one is the owner's alone. SQLite
  // gives its -wal and -shm files the database file's mode, so creating that one 0600 is enough.
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const created = !existsSync(path);
  if (created) closeSync(openSync(path, "a", 0o600));
  const db = new Database(path);
  // A finding's row is its JSON, kilobytes to a hundred or more: on 4 KB pages each took a chain
  // of overflow pages, and a large ingest's commit (300 MB of rows) spent half its time in SQLite
  // moving pages one by one into the WAL and then into the file. 64 KB pages halved that. Only a
  // new file takes it (a page size is fixed once the WAL is on); an existing store keeps its own.
  if (created) db.pragma(`page_size = ${PAGE_SIZE}`);
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

/**
 * Applies the migrations not yet recorded, each in its own transaction, which looks again whether
 * it is recorded: two processes opening a store at once (the daemon and a CLI command) both see
 * it missing, and the second would apply it again (ALTER TABLE … ADD COLUMN fails the second time).
 */
export function migrateDatabase(db: Database.Database): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const applied = db.prepare(
    `SELECT 1 FROM schema_migrations WHERE version = ?`,
  );
  for (const m of migrations) {
    if (applied.get(m.version) !== undefined) continue;
    db.transaction(() => {
      if (applied.get(m.version) !== undefined) return;
      db.exec(m.sql);
      db.prepare(
        `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
      ).run(m.version, m.name, new Date().toISOString());
    }).immediate();
  }
}
