import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { runCli } from "../../src/cli/program.js";
import { StagingFile } from "../../src/store/sqlite/staging-file.js";
import { scratchDir } from "../helpers/scratch-dir.js";
import { captureIo } from "../unit/cli/capture.js";

const DISTINCT = 30;
const PLACES = 100;
const secretOf = (n: number) => `cli-staged-${n}-9a8b7c6d5e4f3a2b1c0d`;

/** A gitleaks report past the default merge bounds (2,000 places held): ingest stages it. */
function writeReport(path: string, tail = "\n]\n"): void {
  const items: string[] = [];
  for (let i = 0; i < DISTINCT * PLACES; i++) {
    const n = i % DISTINCT;
    items.push(
      JSON.stringify({
        RuleID: "generic-api-key",
        Description: "Generic API Key",
        StartLine: i + 1,
        Secret: secretOf(n),
        File: `services/svc-${n}/é-${Math.floor(i / DISTINCT)}.py`,
        Tags: [],
      }),
    );
  }
  writeFileSync(path, `[\n${items.join(",\n")}${tail}`);
}

describe("closeloop ingest of a report it stages", () => {
  const savedTmp = process.env.TMPDIR;
  let dir: string;
  let tmp: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    dir = scratchDir("closeloop-cli-staged-");
    tmp = scratchDir("closeloop-cli-tmp-");
    const configPath = join(dir, "closeloop.yaml");
    writeFileSync(
      configPath,
      readFileSync("config/demo.yaml", "utf8")
        .replace(/^dataDir: .*$/m, `dataDir: ${join(dir, "data")}`)
        .replace(/^mappingsDir: .*$/m, `mappingsDir: ${resolve("mappings")}`)
        .replace(/^ {2}level: warn$/m, "  level: error"),
    );
    env = {
      CLOSELOOP_CONFIG: configPath,
      CLOSELOOP_DEMO_CUSTODY_KEY: Buffer.alloc(32, 5).toString("base64"),
      CLOSELOOP_DEMO_SNOW_PASSWORD: "sandbox-only",
      CLOSELOOP_DEMO_PG_ADMIN_PASSWORD: "sandbox-only",
    };
    // The staging file goes in the OS temp dir: one of this test's own, to see what is left.
    process.env.TMPDIR = tmp;
  });
  afterEach(() => {
    vi.restoreAllMocks();
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
  });

  const status = async () => {
    const io = captureIo(env);
    expect(await runCli(["status", "--json"], io)).toBe(0);
    return io.stdout().trim().split("\n").filter(Boolean);
  };

  it("exits 2 naming the line of a report broken at its end; stores, leaves nothing", async () => {
    const path = join(dir, "broken.json");
    writeReport(path, ',\n{"RuleID": "generic-api-key", "File": ');
    const staged = vi.spyOn(StagingFile.prototype, "append");
    const lines = readFileSync(path, "utf8").split("\n").length;

    for (const dry of [[], ["--dry-run"]]) {
      const io = captureIo(env);

      const code = await runCli(["ingest", path, "--json", ...dry], io);

      expect(code).toBe(2);
      expect(io.stdout()).toBe("");
      expect(io.stderr()).toContain(`${path}: not valid at line ${lines}`);
      expect(io.stderr()).toContain("MALFORMED_REPORT");
    }
    expect(staged).toHaveBeenCalled();
    expect(readdirSync(tmp)).toEqual([]);
    expect(await status()).toEqual([]);
  });

  it("stores the same findings on a second ingest, counted as updated", async () => {
    const path = join(dir, "report.json");
    writeReport(path);
    const staged = vi.spyOn(StagingFile.prototype, "append");
    const first = captureIo(env);
    const again = captureIo(env);
    const dry = captureIo(env);

    expect(await runCli(["ingest", path, "--json"], first)).toBe(0);
    const once = await status();
    expect(await runCli(["ingest", path, "--json"], again)).toBe(0);
    expect(await runCli(["ingest", path, "--dry-run", "--json"], dry)).toBe(0);

    expect(staged).toHaveBeenCalled();
    expect(JSON.parse(first.stdout())).toMatchObject({
      added: DISTINCT,
      updated: 0,
    });
    expect(JSON.parse(again.stdout())).toMatchObject({
      added: 0,
      updated: DISTINCT,
    });
    expect(await status()).toHaveLength(once.length);
    const printed = dry
      .stdout()
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { locations: unknown[] });
    expect(printed).toHaveLength(DISTINCT);
    expect(printed.every((f) => f.locations.length === PLACES)).toBe(true);
    for (let n = 0; n < DISTINCT; n++) {
      expect(dry.stdout() + first.stderr()).not.toContain(secretOf(n));
    }
    expect(readdirSync(tmp)).toEqual([]);
  });

  it("exits 2 saying to set TMPDIR when the temp dir does not exist, storing nothing", async () => {
    const path = join(dir, "report.json");
    writeReport(path);
    const missing = join(tmp, "no-such-dir");
    process.env.TMPDIR = missing;
    const io = captureIo(env);

    const code = await runCli(["ingest", path, "--json"], io);

    expect(code).toBe(2);
    expect(io.stderr()).toContain(
      `the temp directory ${missing} cannot hold the scratch file of a large read: ` +
        "it does not exist; set TMPDIR to a writable directory [STAGING_DIR_UNUSABLE]",
    );
    expect(io.stdout()).toBe("");
    process.env.TMPDIR = tmp;
    expect(await status()).toEqual([]);
  });

  it("stops a read interrupted once staging began and stores nothing, as it says", async () => {
    const path = join(dir, "report.json");
    writeReport(path);
    const append = StagingFile.prototype.append;
    const controller = new AbortController();
    // The interrupt comes while the report is being read: at its first staged bytes.
    vi.spyOn(StagingFile.prototype, "append").mockImplementation(function (
      this: StagingFile,
      data,
      length,
    ) {
      controller.abort(new Error("SIGINT received"));
      append.call(this, data, length);
    });

    for (const dry of [[], ["--dry-run"]]) {
      const io = captureIo(env, process.cwd(), controller.signal);

      const code = await runCli(["ingest", path, "--json", ...dry], io);

      expect(code).toBe(1);
      expect(io.stderr()).toBe("closeloop: SIGINT received\n");
      expect(io.stdout()).toBe("");
    }
    expect(readdirSync(tmp)).toEqual([]);
    expect(await status()).toEqual([]);
  });
});
