import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/program.js";
import { captureIo } from "../unit/cli/capture.js";

const FIXTURE = join("test", "e2e", "fixtures", "gitleaks-report.json");
const SECRETLINT = join(
  "test",
  "fixtures",
  "findings",
  "sarif",
  "secretlint-postgres.sarif",
);
const PROJECT = join("test", "fixtures", "findings", "sarif", "project");
const RAW_SECRET = "e2e-fixture-token-7f3a9c1b2d4e6f8091a2b3c4";
const scratch = mkdtempSync(join(tmpdir(), "closeloop-cli-e2e-"));

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("closeloop ingest", () => {
  it("prints one JSON finding a line with --dry-run --json, one per credential", async () => {
    const io = captureIo();

    const code = await runCli(["ingest", FIXTURE, "--dry-run", "--json"], io);

    expect(io.stderr()).toBe("");
    expect(code).toBe(0);
    const lines = io.stdout().trim().split("\n");
    expect(lines).toHaveLength(1);
    const finding = JSON.parse(lines[0]!) as {
      source: string;
      locations: { file?: string }[];
      fingerprint: string;
    };
    expect(finding.source).toBe("gitleaks");
    expect(finding.locations.map((l) => l.file).sort()).toEqual([
      "deploy/.env",
      "services/billing/settings.py",
    ]);
    expect(io.stdout()).not.toContain(RAW_SECRET);
  });

  it("warns once on stderr, not stdout, when masked SARIF is read without --source-root", async () => {
    const io = captureIo();

    const code = await runCli(
      ["ingest", SECRETLINT, "--dry-run", "--json"],
      io,
    );

    expect(code).toBe(0);
    expect(io.stderr()).toBe(
      `closeloop: 1 finding(s) in ${SECRETLINT} are masked and were keyed by location: ` +
        "give --source-root DIR (the scanned tree) so closeloop can read the values back " +
        "and key them by secret\n",
    );
    expect(io.stdout()).not.toContain("masked");
    expect(JSON.parse(io.stdout().trim())).toMatchObject({
      detector: "database-connection-string",
    });
  });

  it("gives no masked warning when --source-root lets the values be read back", async () => {
    const io = captureIo();

    const code = await runCli(
      ["ingest", SECRETLINT, "--dry-run", "--json", "--source-root", PROJECT],
      io,
    );

    expect(code).toBe(0);
    expect(io.stderr()).toBe("");
    expect(JSON.parse(io.stdout().trim())).toMatchObject({
      detector: "postgres-connection-string",
    });
  });

  it("exits 2 naming the file when it does not exist", async () => {
    const io = captureIo();
    const missing = join(scratch, "no-such-report.json");

    const code = await runCli(["ingest", missing, "--dry-run"], io);

    expect(code).toBe(2);
    expect(io.stderr()).toContain(missing);
    expect(io.stderr()).toContain("does not exist, so nothing was ingested");
    expect(io.stderr()).not.toContain("scanCompleted");
  });

  it("exits 2 naming the file when the report is malformed", async () => {
    const io = captureIo();
    const broken = join(scratch, "broken.json");
    writeFileSync(broken, '[{"RuleID": "generic-api-key", "File": "a.py",');

    const code = await runCli(["ingest", broken, "--dry-run", "--json"], io);

    expect(code).toBe(2);
    expect(io.stderr()).toContain("broken.json");
    expect(io.stdout()).toBe("");
  });

  it("exits 2 on an unknown --format", async () => {
    const io = captureIo();

    const code = await runCli(
      ["ingest", FIXTURE, "--dry-run", "--format", "nope"],
      io,
    );

    expect(code).toBe(2);
    expect(io.stderr()).toContain("nope");
  });
});

describe("closeloop config check", () => {
  it("exits 2 and names the missing environment variable", async () => {
    const io = captureIo({});

    const code = await runCli(
      ["config", "check", "--config", "config/demo.yaml"],
      io,
    );

    expect(code).toBe(2);
    expect(io.stderr()).toContain("CLOSELOOP_DEMO_CUSTODY_KEY");
  });

  it("exits 2 naming the file when the configuration is missing", async () => {
    const io = captureIo({ CLOSELOOP_CONFIG: join(scratch, "absent.yaml") });

    const code = await runCli(["config", "check"], io);

    expect(code).toBe(2);
    expect(io.stderr()).toContain("absent.yaml");
  });

  it("exits 0 and summarises a valid configuration", async () => {
    const io = captureIo({
      CLOSELOOP_DEMO_CUSTODY_KEY: Buffer.alloc(32, 7).toString("base64"),
      CLOSELOOP_DEMO_SNOW_PASSWORD: "sandbox-only",
      CLOSELOOP_DEMO_PG_ADMIN_PASSWORD: "sandbox-only",
    });

    const code = await runCli(
      ["config", "check", "--config", "config/demo.yaml"],
      io,
    );

    expect(io.stderr()).toBe("");
    expect(code).toBe(0);
    expect(io.stdout()).toContain("snow-sandbox (servicenow)");
    expect(io.stdout()).toContain("pg-payments (postgres)");
  });
});

describe("closeloop ingest then status", () => {
  it("stores the findings once and shows them as new", async () => {
    const configPath = join(scratch, "closeloop.yaml");
    const text = readFileSync("config/demo.yaml", "utf8")
      .replace(/^dataDir: .*$/m, `dataDir: ${join(scratch, "data")}`)
      .replace(/^mappingsDir: .*$/m, `mappingsDir: ${resolve("mappings")}`)
      .replace(/^ {2}level: warn$/m, "  level: error");
    writeFileSync(configPath, text);
    const env = {
      CLOSELOOP_CONFIG: configPath,
      CLOSELOOP_DEMO_CUSTODY_KEY: Buffer.alloc(32, 9).toString("base64"),
      CLOSELOOP_DEMO_SNOW_PASSWORD: "sandbox-only",
      CLOSELOOP_DEMO_PG_ADMIN_PASSWORD: "sandbox-only",
    };
    const first = captureIo(env);
    const again = captureIo(env);
    const status = captureIo(env);

    expect(await runCli(["ingest", FIXTURE, "--json"], first)).toBe(0);
    expect(await runCli(["ingest", FIXTURE, "--json"], again)).toBe(0);
    expect(await runCli(["status", "--json"], status)).toBe(0);

    expect(JSON.parse(first.stdout())).toMatchObject({ added: 1, updated: 0 });
    expect(JSON.parse(again.stdout())).toMatchObject({ added: 0 });
    const rows = status
      .stdout()
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { state: string; tickets: unknown[] });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.state).toBe("new");
    expect(rows[0]!.tickets).toEqual([]);
    expect(status.stdout() + status.stderr()).not.toContain(RAW_SECRET);
  });
});

describe("closeloop configuration errors", () => {
  const demoEnv = {
    CLOSELOOP_DEMO_CUSTODY_KEY: Buffer.alloc(32, 7).toString("base64"),
    CLOSELOOP_DEMO_SNOW_PASSWORD: "sandbox-only",
    CLOSELOOP_DEMO_PG_ADMIN_PASSWORD: "sandbox-only",
  };

  /** config/demo.yaml with `http` lines added under its `http:`, data kept in the scratch dir. */
  function demoWith(name: string, http = ""): string {
    const path = join(scratch, name);
    const text = readFileSync("config/demo.yaml", "utf8")
      .replace(/^dataDir: .*$/m, `dataDir: ${join(scratch, "data")}`)
      .replace(/^mappingsDir: .*$/m, `mappingsDir: ${resolve("mappings")}`)
      .replace(/^ {2}port: 0$/m, `  port: 0\n${http}`);
    writeFileSync(path, text);
    return path;
  }

  it("refuses an empty webhook secret file, naming the path and the file", async () => {
    const empty = join(scratch, "empty-secret");
    writeFileSync(empty, "");
    const config = demoWith(
      "empty-hook.yaml",
      `  webhooks:\n    github: { secret: { file: ${empty} } }`,
    );
    const io = captureIo(demoEnv);

    const code = await runCli(["config", "check", "--config", config], io);

    expect(code).toBe(2);
    expect(io.stderr()).toContain(
      `http.webhooks.github.secret: secret file ${empty} is empty`,
    );
  });

  it("refuses in config check the short custody key ingest would refuse, naming path and variable", async () => {
    const env = { ...demoEnv, CLOSELOOP_DEMO_CUSTODY_KEY: "abc" };
    const check = captureIo(env);
    const ingest = captureIo(env);
    const config = demoWith("short-key.yaml");

    const checked = await runCli(
      ["config", "check", "--config", config],
      check,
    );
    const ingested = await runCli(
      ["ingest", FIXTURE, "--json", "--config", config],
      ingest,
    );

    expect(checked).toBe(2);
    expect(ingested).toBe(2);
    for (const io of [check, ingest]) {
      expect(io.stderr()).toContain(
        "custody.key: environment variable CLOSELOOP_DEMO_CUSTODY_KEY: " +
          "the custody key must be 32 bytes in base64",
      );
    }
  });

  it("prints FILE:LINE:COL, the parser's message and its code for invalid YAML", async () => {
    const config = join(scratch, "broken.yaml");
    writeFileSync(config, "custody:\n  key: { env: K }\n  b: c: d\n");
    const io = captureIo({});

    const code = await runCli(["config", "check", "--config", config], io);

    expect(code).toBe(2);
    expect(io.stderr()).toMatch(
      new RegExp(`- ${config}:3:\\d+: [A-Z][^\\n]+ \\([A-Z_]+\\)\\n`),
    );
  });

  it("names a missing configuration once and says how to give one", async () => {
    const io = captureIo({});

    const code = await runCli(
      ["config", "check", "--config", "nonexist.yaml"],
      io,
    );

    expect(code).toBe(2);
    expect(io.stderr()).not.toContain("nonexist.yaml: nonexist.yaml");
    expect(io.stderr()).toContain(
      "- nonexist.yaml: the configuration file does not exist; give --config FILE " +
        "or set CLOSELOOP_CONFIG; config/example.yaml is one to start from",
    );
  });
});

describe("closeloop sandbox", () => {
  it("exits 2 saying how to get a free port when its port is taken", async () => {
    const taken = createServer();
    await new Promise<void>((done) => taken.listen(0, "127.0.0.1", done));
    const { port } = taken.address() as AddressInfo;
    const io = captureIo();

    try {
      const code = await runCli(["sandbox", "--port", String(port)], io);

      expect(code).toBe(2);
      expect(io.stderr()).toContain(
        `port ${port} is in use; give --port 0 for a free one`,
      );
      expect(io.stderr()).not.toContain("EADDRINUSE");
    } finally {
      await new Promise((done) => taken.close(done));
    }
  });
});

describe("closeloop evidence export", () => {
  it("exits 2 naming --from when it is after --to", async () => {
    const io = captureIo({});

    const code = await runCli(
      ["evidence", "export", "--from", "2026-12-01", "--to", "2026-01-01"],
      io,
    );

    expect(code).toBe(2);
    expect(io.stderr()).toContain("--from 2026-12-01 is after --to 2026-01-01");
  });

  it("exits 2 naming the option whose date does not parse", async () => {
    const io = captureIo({});
    const impossible = captureIo({});

    const code = await runCli(["evidence", "export", "--to", "12"], io);
    const feb31 = await runCli(
      ["evidence", "export", "--from", "2026-02-31"],
      impossible,
    );

    expect(code).toBe(2);
    expect(io.stderr()).toContain("--to 12: not a date");
    expect(feb31).toBe(2);
    expect(impossible.stderr()).toContain("--from 2026-02-31: not a date");
  });

  it("exits 2 when the --out directory does not exist", async () => {
    const io = captureIo({});

    const code = await runCli(
      ["evidence", "export", "--out", "/nonexistent/dir/x.tar"],
      io,
    );

    expect(code).toBe(2);
    expect(io.stderr()).toContain(
      "cannot write --out /nonexistent/dir/x.tar: the directory does not exist",
    );
    expect(io.stderr()).not.toContain("ENOENT");
  });
});
