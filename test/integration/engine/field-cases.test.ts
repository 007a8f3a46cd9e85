import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { Finding } from "../../../src/domain/finding.js";
import { sha256Hex } from "../../../src/domain/secret.js";
import type { Engine } from "../../../src/engine/engine.js";
import type { EngineDeps } from "../../../src/engine/types.js";
import { collectFindings, streamFindings } from "../../../src/ingest/index.js";
import type { ReadOptions } from "../../../src/ingest/index.js";
import {
  createMappingRenderer,
  renderPlanText,
} from "../../../src/mapping/index.js";
import { makeRecord } from "../../helpers/fakes/findings.js";
import { Harness } from "./harness.js";
import { RealItsmHarness } from "./real-itsm.js";

/** The BR-02 fixtures as the cases write them. */
const V7 = [
  {
    line: 'aws_key = "AKIA<REDACTED>"',
    lineNumber: 3,
    offender: "AKIA<REDACTED>",
    offenderEntropy: -1,
    rule: "AWS Access Key",
    file: "config/app.env",
    commit: "<SHA>",
    repo: "<REPO>",
    tags: "key, AWS",
    author: "<AUTHOR>",
    email: "<EMAIL>",
    date: "2021-05-01T10:00:00Z",
  },
];
const V8 = [
  {
    RuleID: "aws-access-token",
    Description: "AWS Access Key",
    StartLine: 3,
    EndLine: 3,
    StartColumn: 11,
    EndColumn: 30,
    Match: 'aws_key = "AKIA<REDACTED>"',
    Secret: "AKIA<REDACTED>",
    File: "config/app.env",
    SymlinkFile: "",
    Commit: "<SHA>",
    Entropy: 3.6,
    Author: "<AUTHOR>",
    Email: "<EMAIL>",
    Date: "2021-05-01T10:00:00Z",
    Message: "<MSG>",
    Tags: [],
    Fingerprint: "<SHA>:config/app.env:aws-access-token:3",
  },
];
const AWS_RAW = "AKIA<REDACTED>";
const PEM_BODY = "MIIC<REDACTED_BASE64>";
const BR03 = resolve("test/fixtures/findings/trufflehog/br03-pem-crlf.jsonl");

const scratch = mkdtempSync(join(tmpdir(), "closeloop-field-cases-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function writeReport(name: string, content: string): string {
  writeFileSync(join(scratch, name), content);
  return join(scratch, name);
}

/** The path `closeloop ingest` takes: the report streamed into the engine in batches. */
async function ingestReport(
  engine: Engine,
  path: string,
  options: ReadOptions = {},
) {
  const report = await streamFindings(path, options);
  return engine.ingestBatches(report.batches);
}

/** Every finding resolves to the fake PostgreSQL target, so each one gets a ticket. */
const toPgTest: EngineDeps["resolve"] = (f: Finding) => ({
  ok: true,
  identity: {
    targetId: "pg-test",
    targetKind: "postgres",
    principal: `svc_${f.detector}`,
  },
});

/** The real mappings and plan text, so the ticket text is what a change manager reads. */
function realMappings(): Partial<EngineDeps> {
  return {
    resolve: toPgTest,
    renderer: createMappingRenderer(resolve("mappings"), {
      require: ["servicenow"],
    }),
    planText: renderPlanText,
  };
}

/** Everything the ServiceNow simulator holds as text: changes, journals, approvals, files. */
function snowText(h: RealItsmHarness): string {
  const tables = [
    "change_request",
    "sys_journal_field",
    "sysapproval_approver",
  ];
  return [
    ...tables.map((t) => JSON.stringify(h.snow.store.rows(t))),
    ...h.snow.attachments
      .all()
      .map((a) => Buffer.from(a.bytes).toString("utf8")),
  ].join("\n");
}

async function changeOf(h: RealItsmHarness, fp: string) {
  const [ticket] = await h.store.listTickets(fp);
  return h.snow.store.get("change_request", ticket?.ref?.id ?? "");
}

describe("empty or absent reports in the loop (BR-01)", () => {
  let h: Harness;
  afterEach(async () => h.dispose());

  it("creates no ticket and resolves no open finding after [], null or a missing report", async () => {
    h = await new Harness().start();
    const rec = makeRecord("br01-open");
    const fp = rec.finding.fingerprint;
    await h.engine.ingest([rec]);
    await h.settle();
    const before = await h.store.getFinding(fp);
    const createsBefore = h.itsm.calls.filter((c) => c.method === "create");
    const reports: [string, ReadOptions][] = [
      [writeReport("empty.json", "[]"), {}],
      [writeReport("null.json", "null\n"), {}],
      [join(scratch, "absent.json"), { scanCompleted: true }],
    ];

    const summaries = [];
    for (const [path, options] of reports) {
      summaries.push(await ingestReport(h.engine, path, options));
      await h.settle();
    }

    const after = await h.store.getFinding(fp);
    expect(before?.state).toBe("awaiting_approval");
    expect(createsBefore).toHaveLength(1);
    expect(summaries).toEqual(
      reports.map(() => ({
        added: 0,
        updated: 0,
        regressions: 0,
        findings: 0,
      })),
    );
    expect(after?.state).toBe(before?.state);
    expect(after?.finding.status).toBe("open");
    expect(after?.finding).toEqual(before?.finding);
    expect(await h.store.listFindings()).toHaveLength(1);
    expect(h.itsm.calls.filter((c) => c.method === "create")).toHaveLength(1);
    expect(h.itsm.tickets.size).toBe(1);
    expect(h.itsm.ticketOf(fp)?.lifecycle).toBe("open");
    expect(h.itsm.ticketOf(fp)?.closedWith).toBeNull();
  });
});

describe("gitleaks v7 and v8 reports through the ServiceNow loop (BR-02)", () => {
  let h: RealItsmHarness;
  afterEach(async () => h.dispose());

  it("stores one finding with array tags and keeps the raw value out of logs and tickets", async () => {
    h = await new RealItsmHarness(
      ["snow"],
      undefined,
      { attachmentReadyAfterReads: 0 },
      realMappings(),
    ).start();
    const v7 = writeReport("v7.json", JSON.stringify(V7));
    const v8 = writeReport("v8.json", JSON.stringify(V8));
    const parsed = [await collectFindings(v7), await collectFindings(v8)];

    await ingestReport(h.engine, v7);
    await ingestReport(h.engine, v8);
    await h.settle();
    const stored = await h.store.listFindings();
    const fp = stored[0]?.fingerprint ?? "";
    const [ticket] = await h.store.listTickets(fp);
    h.snow.decide(ticket?.ref?.id ?? "", "cab.alice", "approved", "ok");
    await h.settle();

    for (const { records } of parsed) {
      expect(records).toHaveLength(1);
      expect(Array.isArray(records[0]?.finding.tags)).toBe(true);
    }
    expect(stored).toHaveLength(1);
    expect(Array.isArray(stored[0]?.finding.tags)).toBe(true);
    expect(stored[0]?.finding).toMatchObject({
      detector: "aws-access-key",
      secretHash: sha256Hex(AWS_RAW),
    });
    expect(
      stored[0]?.finding.locations.map((l) => [
        l.file,
        l.lineReported,
        l.commit,
      ]),
    ).toEqual(Array(2).fill(["config/app.env", 3, "<SHA>"]));
    expect((await h.store.getFinding(fp))?.state).toBe("closed");
    expect(h.snow.store.rows("change_request")).toHaveLength(1);
    expect(h.logger.lines.length).toBeGreaterThan(0);
    expect(h.logger.text()).not.toContain(AWS_RAW);
    expect(snowText(h)).toContain(fp);
    expect(snowText(h)).not.toContain(AWS_RAW);
  });
});

describe("a multi-line PEM in the ticket (BR-03)", () => {
  let h: RealItsmHarness;
  afterEach(async () => h.dispose());

  it("shows the redacted form or the hash in the change, never the raw key", async () => {
    h = await new RealItsmHarness(
      ["snow"],
      undefined,
      {},
      realMappings(),
    ).start();
    const { records } = await collectFindings(BR03);
    const finding = records[0]!.finding;

    await ingestReport(h.engine, BR03);
    await h.settle();

    const change = await changeOf(h, finding.fingerprint);
    const body = JSON.stringify(change);
    expect(records).toHaveLength(1);
    // The hash: the fingerprint is the SHA-256 over the normalised PEM body.
    expect(String(change?.description)).toContain(finding.fingerprint);
    expect(String(change?.description)).toContain(finding.preview);
    expect(body).not.toContain(PEM_BODY);
    expect(body).not.toContain("-----END PRIVATE KEY-----");
    expect(snowText(h)).not.toContain(PEM_BODY);
  });
});

describe("ServiceNow requests of a full loop (BR-07)", () => {
  let h: RealItsmHarness;
  afterEach(async () => h.dispose());

  it("sends sysparm_display_value=false or all on every request", async () => {
    h = await new RealItsmHarness(["snow"], undefined, {
      attachmentReadyAfterReads: 0,
    }).start();
    const rec = makeRecord("br07");
    const fp = rec.finding.fingerprint;
    await h.engine.ingest([rec]);
    await h.settle();
    const [ticket] = await h.store.listTickets(fp);
    h.snow.decide(ticket?.ref?.id ?? "", "cab.alice", "approved", "ok");
    await h.settle();

    const flags = h.snow.requests.map((r) => ({
      request: `${r.method} ${r.path}`,
      flag: new URLSearchParams(r.search).get("sysparm_display_value"),
    }));
    expect((await h.store.getFinding(fp))?.state).toBe("closed");
    expect(flags.length).toBeGreaterThan(8);
    expect(flags.filter((f) => f.flag !== "false" && f.flag !== "all")).toEqual(
      [],
    );
  });
});

describe("a change on a later page while the change query fails (BR-09)", () => {
  let h: RealItsmHarness;
  afterEach(async () => h.dispose());

  it("finds the existing change by a filtered query and creates none", async () => {
    h = await new RealItsmHarness(["snow"]).start();
    const rec = makeRecord("br09");
    const fp = rec.finding.fingerprint;
    for (let i = 0; i < 2_500; i += 1) {
      h.snow.store.insert(
        "change_request",
        { correlation_id: `finding-other-${i}`, state: "-5" },
        "admin",
      );
    }
    // The change an earlier, interrupted run opened: it sits on the third page.
    const existing = h.snow.store.insert(
      "change_request",
      { correlation_id: `finding-${fp.slice(0, 32)}`, state: "-5" },
      "closeloop.integration",
    );
    h.snow.faults.failRequests({
      match: (_req, url) => url.searchParams.get("sysparm_offset") === "2000",
      status: 500,
      times: 1_000,
    });

    await h.engine.ingest([rec]);
    const pass = await h.engine.runOnce();

    const lookups = h.snow.requests
      .map((r) => new URLSearchParams(r.search))
      .filter((q) => q.get("sysparm_query")?.startsWith("correlation_id="));
    const [ticket] = await h.store.listTickets(fp);
    expect(pass.errors).toBeGreaterThanOrEqual(1);
    expect(await h.store.getCursor("snow")).toBeNull();
    expect(lookups.map((q) => q.get("sysparm_query"))).toEqual([
      `correlation_id=finding-${fp.slice(0, 32)}^ORDERBYsys_created_on`,
    ]);
    expect(lookups[0]?.get("sysparm_offset") ?? "0").toBe("0");
    expect(h.snow.requests.filter((r) => r.method === "POST")).toEqual([]);
    expect(h.snow.store.rows("change_request")).toHaveLength(2_501);
    expect(ticket?.ref?.id).toBe(existing.sys_id);
  });
});
