/** The first schema: findings, transitions, tickets, the intent journal, custody, evidence. */
export const migration001 = {
  version: 1,
  name: "initial",
  sql: `
CREATE TABLE findings (
  fingerprint TEXT PRIMARY KEY,
  finding_json TEXT NOT NULL,
  state TEXT NOT NULL,
  cycle INTEGER NOT NULL DEFAULT 1,
  reason TEXT,
  identity_json TEXT,
  plan_json TEXT,
  plan_hash TEXT,
  approval_json TEXT,
  regression_of_json TEXT NOT NULL DEFAULT '[]',
  last_step TEXT,
  last_step_at TEXT,
  due_at TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  claimed_by TEXT,
  claimed_until TEXT,
  closed_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX findings_due ON findings (due_at) WHERE due_at IS NOT NULL;

CREATE TABLE transitions (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  fingerprint TEXT NOT NULL REFERENCES findings (fingerprint),
  cycle INTEGER NOT NULL,
  from_state TEXT NOT NULL,
  to_state TEXT NOT NULL,
  step TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX transitions_by_finding ON transitions (fingerprint, seq);

CREATE TABLE tickets (
  fingerprint TEXT NOT NULL REFERENCES findings (fingerprint),
  cycle INTEGER NOT NULL,
  instance TEXT NOT NULL,
  itsm TEXT NOT NULL,
  correlation_id TEXT NOT NULL,
  approval_source INTEGER NOT NULL,
  ticket_id TEXT,
  ticket_key TEXT,
  url TEXT,
  lifecycle TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (fingerprint, cycle, instance)
);
CREATE UNIQUE INDEX tickets_by_remote_id ON tickets (instance, ticket_id)
  WHERE ticket_id IS NOT NULL;

CREATE TABLE intents (
  key TEXT PRIMARY KEY,
  fingerprint TEXT NOT NULL REFERENCES findings (fingerprint),
  cycle INTEGER NOT NULL,
  kind TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  input_json TEXT NOT NULL,
  output_json TEXT,
  started_at TEXT NOT NULL,
  finished_at TEXT
);
CREATE INDEX intents_by_finding ON intents (fingerprint, cycle);

CREATE TABLE secrets (
  fingerprint TEXT PRIMARY KEY REFERENCES findings (fingerprint),
  key_id TEXT NOT NULL,
  iv BLOB NOT NULL,
  tag BLOB NOT NULL,
  ciphertext BLOB NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE evidence (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  fingerprint TEXT NOT NULL REFERENCES findings (fingerprint),
  cycle INTEGER NOT NULL,
  file_name TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  prev_sha256 TEXT,
  bytes BLOB NOT NULL,
  summary TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (fingerprint, cycle)
);
CREATE INDEX evidence_by_time ON evidence (created_at);

CREATE TABLE cursors (
  instance TEXT PRIMARY KEY,
  cursor TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
`,
};
