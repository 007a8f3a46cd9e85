/** A PostgreSQL connection string, split into where it connects and the password. */
export interface PostgresDsn {
  host: string;
  port?: number;
  database?: string;
  user: string;
  password: string;
}

const URL_FORM = /^postgres(?:ql)?:\/\//i;

/** Accepts `postgres://user:pass@host:port/db?…` and `host=… user=… password=…` (libpq). */
export function parsePostgresDsn(text: string): PostgresDsn | null {
  const value = text.trim().replace(/^["']|["']$/g, "");
  if (URL_FORM.test(value)) return parseUrl(value);
  if (/\bpassword\s*=/i.test(value) && /\b(host|user)\s*=/i.test(value)) {
    return parseKeyValue(value);
  }
  return null;
}

/** Finds a URL-form connection string inside a longer text (a line, a gitleaks `Match`). */
export function findPostgresUrl(text: string): string | null {
  const match = /postgres(?:ql)?:\/\/[^\s"'`<>]+/i.exec(text);
  return match ? match[0] : null;
}

function parseUrl(value: string): PostgresDsn | null {
  let url: URL;
  try {
    url = new URL(value.replace(URL_FORM, "postgres://"));
  } catch {
    return null;
  }
  if (!url.username || !url.password || !url.hostname) return null;
  const database = decodeURIComponent(url.pathname.replace(/^\//, ""));
  return {
    host: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    ...(database ? { database } : {}),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  };
}

function parseKeyValue(value: string): PostgresDsn | null {
  const fields = new Map<string, string>();
  const pair = /(\w+)\s*=\s*(?:'((?:\\.|[^'\\])*)'|(\S+))/g;
  for (const m of value.matchAll(pair)) {
    const raw =
      m[2] !== undefined ? m[2].replace(/\\(.)/g, "$1") : (m[3] ?? "");
    fields.set((m[1] ?? "").toLowerCase(), raw);
  }
  const host = fields.get("host") ?? fields.get("hostaddr");
  const user = fields.get("user");
  const password = fields.get("password");
  if (!host || !user || !password) return null;
  const port = Number(fields.get("port"));
  const database = fields.get("dbname");
  return {
    host,
    ...(Number.isInteger(port) && port > 0 ? { port } : {}),
    ...(database ? { database } : {}),
    user,
    password,
  };
}

/** What a person may see: everything but the password. */
export function maskPostgresDsn(dsn: PostgresDsn): string {
  const port = dsn.port === undefined ? "" : `:${dsn.port}`;
  const db = dsn.database === undefined ? "" : `/${dsn.database}`;
  return `postgres://${dsn.user}:********@${dsn.host}${port}${db}`;
}
