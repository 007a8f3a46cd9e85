import { afterEach, describe, expect, it } from "vitest";
import { createGithubAlertsSimulator } from "../../../src/sandbox/github-alerts/index.js";
import type { GithubAlertsSimulator } from "../../../src/sandbox/github-alerts/index.js";
import { startDaemonHarness, type Daemon } from "./harness.js";

const GH_TOKEN = "ghp_DaemonSourceTokenMadeUp0000000000000001";

let daemon: Daemon | undefined;
afterEach(async () => {
  await daemon?.close();
  daemon = undefined;
});

async function withGithubSource(): Promise<{
  daemon: Daemon;
  github: () => GithubAlertsSimulator;
}> {
  let github: GithubAlertsSimulator | undefined;
  const started = await startDaemonHarness({
    systems: (url) => {
      github = createGithubAlertsSimulator({
        baseUrl: `${url}/github`,
        token: GH_TOKEN,
        alerts: [
          { repository: "acme/api", number: 1 },
          { repository: "acme/api", number: 2, state: "resolved" },
        ],
      });
      return [github];
    },
    extraYaml: (url) => `
sources:
  - id: gh-acme
    kind: github-secret-scanning
    baseUrl: ${url}/github
    owner: acme
    token: { env: GH_TOKEN }
`,
  });
  started.env["GH_TOKEN"] = GH_TOKEN;
  return { daemon: started, github: () => github! };
}

describe("configured pull sources", () => {
  it("pulls one source with ingest --source and stores its alerts once", async () => {
    const setup = await withGithubSource();
    daemon = setup.daemon;

    const first = await daemon.cli(["ingest", "--source", "gh-acme", "--json"]);
    const again = await daemon.cli(["ingest", "--source", "gh-acme"]);
    const rows = await daemon.status();

    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({
      source: "gh-acme",
      records: 2,
      added: 2,
    });
    expect(again.stdout).toContain("gh-acme: 2 finding(s); 0 new, 2 updated");
    expect(rows).toHaveLength(2);
    expect(setup.github().requests.length).toBeGreaterThan(0);
    expect(first.stdout + first.stderr).not.toContain(GH_TOKEN);
  });

  it("pulls every source in run --once before the pass", async () => {
    const setup = await withGithubSource();
    daemon = setup.daemon;

    const run = await daemon.cli(["run", "--once"]);

    const events = run.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { event: string; source?: string });
    expect(events.map((e) => e.event)).toEqual([
      "source.pulled",
      "pass.finished",
    ]);
    expect(events[0]?.source).toBe("gh-acme");
    expect(await daemon.status()).toHaveLength(2);
  });

  it("lists the sources in config check", async () => {
    const setup = await withGithubSource();
    daemon = setup.daemon;

    const check = await daemon.cli(["config", "check"]);

    expect(check.code).toBe(0);
    expect(check.stdout).toContain("gh-acme (github-secret-scanning)");
    expect(check.stdout).toContain("webhooks:       (none: polling only)");
  });

  it("exits 2 listing the configured sources for an unknown --source", async () => {
    const setup = await withGithubSource();
    daemon = setup.daemon;

    const run = await daemon.cli(["ingest", "--source", "nope"]);
    const both = await daemon.cli([
      "ingest",
      "report.json",
      "--source",
      "gh-acme",
    ]);
    const neither = await daemon.cli(["ingest"]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--source nope");
    expect(run.stderr).toContain("gh-acme");
    expect(both.code).toBe(2);
    expect(neither.code).toBe(2);
  });
});
