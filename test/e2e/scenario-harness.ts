import { expect } from "vitest";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { runDemo } from "../../src/demo/run-demo.js";
import { parsePostgresDsn } from "../../src/ingest/index.js";
import type { DemoOutcome } from "../../src/demo/types.js";
import { JiraSimulator } from "../../src/sandbox/jira/index.js";
import type { SandboxSystem } from "../../src/sandbox/server.js";
import { ServiceNowSimulator } from "../../src/sandbox/servicenow/index.js";

export interface ScenarioRun {
  outcome: DemoOutcome;
  /** Everything the demo printed, as one string, to look for secrets in. */
  output: string;
  events: Record<string, unknown>[];
  /** The simulated systems the scenario served; their state outlives the server. */
  systems: SandboxSystem[];
  /** Whether the run's temporary directory still exists afterwards (it should not). */
  workDirLeft: boolean;
  /** Whether the sandbox still answers afterwards (it should not). */
  sandboxStillServes: boolean;
}

/** Runs one scenario in-process with --json, keeping its lines and its simulators. */
export async function runScenario(scenario: string): Promise<ScenarioRun> {
  const lines: string[] = [];
  const systems: SandboxSystem[] = [];

  const outcome = await runDemo({
    scenario,
    json: true,
    write: (line) => lines.push(line),
    signal: new AbortController().signal,
    onSandbox: (served) => systems.push(...served),
  });

  const events = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  const started = events.find((e) => e.event === "demo.started");
  const sandbox = events.find((e) => e.event === "demo.sandbox.started");
  return {
    outcome,
    output: lines.join("\n"),
    events,
    systems,
    workDirLeft: existsSync(String(started?.workDir)),
    sandboxStillServes: await answers(String(sandbox?.url)),
  };
}

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return true;
  } catch {
    return false;
  }
}

export function sha256(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export function systemNamed<T>(run: ScenarioRun, name: string): T {
  const found = run.systems.find((s) => s.name === name);
  if (found === undefined) throw new Error(`no ${name} in the sandbox`);
  return found as T;
}

/** A change as the simulator holds it: state, close code, SHA-256 of each attached file. */
export function changeInSimulator(run: ScenarioRun, number: string) {
  const sim = systemNamed<ServiceNowSimulator>(run, "servicenow");
  expectInstance(sim, ServiceNowSimulator);
  const change = sim.store
    .rows("change_request")
    .find((row) => row.number === number);
  const files = sim.attachments
    .all()
    .filter((a) => a.meta.table_sys_id === change?.sys_id);
  return {
    state: change?.state,
    closeCode: change?.close_code,
    attachmentHashes: files.map((a) => sha256(a.bytes)),
  };
}

/**
 * The run ended `closed`, and its ServiceNow change is Closed (3) as successful with the
 * evidence the run reported attached; returns the last event for the scenario's own checks.
 */
export function expectClosedChange(run: ScenarioRun): Record<string, unknown> {
  const last = run.events.at(-1)!;
  expect(last).toMatchObject({ event: "demo.finished", state: "closed" });
  const change = changeInSimulator(run, String(last.change));
  expect(change.state).toBe("3");
  expect(change.closeCode).toBe("successful");
  expect(change.attachmentHashes).toContain(last.evidenceSha256);
  return last;
}

/** An issue as the Jira simulator holds it: status category, attachments' SHA-256, links. */
export function issueInSimulator(run: ScenarioRun, key: string) {
  const sim = systemNamed<JiraSimulator>(run, "jira");
  expectInstance(sim, JiraSimulator);
  const issue = sim.findIssue(key);
  const workflow = issue && sim.project(issue.projectKey)?.workflow;
  const status = workflow?.statuses.find((s) => s.id === issue?.statusId);
  return {
    statusCategory: status?.category,
    attachmentHashes: (issue?.attachments ?? []).map((a) => sha256(a.bytes)),
    remoteLinkTitles: (issue?.remoteLinks ?? []).map((l) => l.title),
  };
}

function expectInstance(
  value: unknown,
  type: abstract new (...a: never[]) => unknown,
) {
  if (!(value instanceof type)) throw new Error(`not a ${type.name}`);
}

/** `NAME=value` from a sample's settings file: the leaked value no output may hold. */
export function sampleSetting(file: string, name: string): string {
  const line = readFileSync(join("examples", file), "utf8")
    .split("\n")
    .find((l) => l.startsWith(`${name}=`));
  if (line === undefined) throw new Error(`${file} has no ${name}`);
  return line.slice(name.length + 1).trim();
}

export function eventNamed(run: ScenarioRun, name: string) {
  const found = run.events.find((e) => e.event === name);
  if (found === undefined) throw new Error(`no ${name} event`);
  return found;
}

/** The password the PostgreSQL sample project leaks: the value that must appear in no output. */
export function leakedPostgresPassword(): string {
  const line = sampleSetting(
    "leaky-service/config/production.env",
    "DATABASE_URL",
  );
  const dsn = parsePostgresDsn(line);
  if (dsn === null) throw new Error("the sample's DATABASE_URL does not parse");
  return dsn.password;
}
