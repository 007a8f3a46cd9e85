import { afterEach, describe, expect, it } from "vitest";
import { formatStatusTable } from "../../../src/cli/status-command.js";
import { routeUnresolvedFor } from "../../../src/config/routing.js";
import { routingConfigSchema } from "../../../src/config/schema.js";
import type { Finding } from "../../../src/domain/finding.js";
import type { Resolution } from "../../../src/domain/identity.js";
import { SecretValue } from "../../../src/domain/secret.js";
import { createMappingRenderer } from "../../../src/mapping/renderer.js";
import {
  CANARY,
  makeFinding,
  resolveTo,
} from "../../helpers/fakes/findings.js";
import { RealItsmHarness } from "./real-itsm.js";

const REASON = "no PostgreSQL user in the finding";

/** A finding no target claims: the leaked value is the canary, the hints name nothing. */
function unresolvable(seed: string) {
  const finding = makeFinding(seed, {
    hints: {},
    title: `Exposed credential ${seed} in config`,
  });
  return { finding, secret: new SecretValue(CANARY) };
}

function routing(unresolved: Record<string, unknown> | undefined) {
  return routingConfigSchema.parse({
    default: ["snow"],
    ...(unresolved === undefined ? {} : { unresolved }),
  });
}

/** A resolver a test can point at a target later, as a configuration change would. */
function switchable() {
  let resolver: (f: Finding) => Resolution = resolveTo("pg-test");
  return {
    resolve: (f: Finding) => resolver(f),
    set: (next: (f: Finding) => Resolution) => {
      resolver = next;
    },
  };
}

function harness(
  instances: ("snow" | "jira")[],
  unresolved: Record<string, unknown> | undefined,
  resolve?: (f: Finding) => Resolution,
): Promise<RealItsmHarness> {
  const renderer = createMappingRenderer("mappings", {
    require: ["servicenow", "jira"],
    requireManual: ["servicenow", "jira"],
  });
  return new RealItsmHarness(
    instances,
    undefined,
    {},
    {
      renderer,
      routeUnresolved: routeUnresolvedFor(routing(unresolved)),
      ...(resolve === undefined ? {} : { resolve }),
    },
  ).start();
}

describe("a finding that resolves to nothing, routed to a manual ticket", () => {
  let h: RealItsmHarness;
  afterEach(async () => h.dispose());

  it("opens one ServiceNow change that says why and what to do, with no raw secret", async () => {
    h = await harness(["snow"], { itsm: ["snow"] });
    const rec = unresolvable("snow-manual");
    const fp = rec.finding.fingerprint;

    await h.engine.ingest([rec]);
    await h.settle();

    const finding = await h.store.getFinding(fp);
    const [ticket] = await h.store.listTickets(fp);
    const rows = h.snow.store.rows("change_request");
    const change = rows[0]!;
    const text = JSON.stringify(change);
    expect(finding?.state).toBe("manual");
    expect(finding?.reason).toBe(REASON);
    expect(finding?.plan).toBeNull();
    expect(rows).toHaveLength(1);
    expect(ticket?.ref?.key).toBe(change.number);
    expect(change.correlation_id).toBe(`finding-${fp.slice(0, 32)}-manual`);
    expect(change.short_description).toContain("manual remediation");
    expect(change.description).toContain(
      "closeloop could not tie this finding to a target",
    );
    expect(change.description).toContain(`resolve it: ${REASON}`);
    expect(change.description).toContain(rec.finding.preview);
    expect(change.description).toContain("Seen at: config/app.env line 3");
    expect(change.implementation_plan).toContain("Revoke or rotate it");
    expect(text).not.toContain(CANARY);
    // No plan, no approval, no action: the change stays where it was opened.
    expect(h.perFinding("snow").map((c) => c.method)).not.toContain(
      "requestApproval",
    );
    expect(h.target.effective).toEqual([]);
    expect(h.snow.store.rows("sysapproval_approver")).toHaveLength(0);
  });

  it("opens one Jira issue in the route's project, closed by a person shows as manual_closed", async () => {
    h = await harness(["jira"], {
      rules: [
        {
          when: { detector: "postgres-connection-string" },
          itsm: ["jira"],
          jiraProject: "OPS",
        },
      ],
    });
    const rec = unresolvable("jira-manual");
    const fp = rec.finding.fingerprint;
    await h.engine.ingest([rec]);
    await h.settle();
    const [ticket] = await h.store.listTickets(fp);
    const issue = h.jira.issues.get(ticket!.ref!.id)!;
    const opened = (await h.store.getFinding(fp))?.state;

    issue.statusId = "10001";
    issue.resolution = "Done";
    issue.updated = Date.now() + 1_000;
    await h.settle();

    const finding = await h.store.getFinding(fp);
    expect(opened).toBe("manual");
    expect(h.jira.issues.size).toBe(1);
    expect(issue.projectKey).toBe("OPS");
    expect(issue.fields.labels).toEqual(
      expect.arrayContaining([
        "closeloop",
        "closeloop-manual",
        `finding-${fp.slice(0, 32)}-manual`,
      ]),
    );
    expect(JSON.stringify(issue)).toContain(REASON);
    expect(JSON.stringify(issue)).not.toContain(CANARY);
    expect(finding?.state).toBe("manual_closed");
    expect(finding?.reason).toContain(`${issue.key} was closed by a person`);
    expect(finding?.reason).toContain("no proof");
    expect(await h.store.getEvidence(fp, 1)).toBeNull();
  });

  it("shows the manual ticket's key and the reason in status", async () => {
    h = await harness(["snow"], { itsm: ["snow"] });
    const rec = unresolvable("status");
    await h.engine.ingest([rec]);
    await h.settle();

    const rows = await h.engine.status();
    const table = formatStatusTable(rows);

    const key = h.snow.store.rows("change_request")[0]!.number;
    expect(rows[0]).toMatchObject({
      state: "manual",
      reason: REASON,
      tickets: [{ instance: "snow", key }],
    });
    expect(table[1]).toMatch(/manual/);
    expect(table[1]).toContain(`snow:${key}`);
    expect(table[1]).toContain(REASON);
  });

  it("shows a manual change a person closed as manual_closed, never closed or verified", async () => {
    h = await harness(["snow"], { itsm: ["snow"] });
    const rec = unresolvable("person");
    await h.engine.ingest([rec]);
    await h.settle();
    const change = h.snow.store.rows("change_request")[0]!;

    h.snow.store.update(
      "change_request",
      change.sys_id!,
      { state: "3" },
      "admin",
    );
    await h.settle();

    const [row] = await h.engine.status();
    const [, line] = formatStatusTable([row!]);
    expect(row).toMatchObject({
      state: "manual_closed",
      tickets: [{ instance: "snow", key: change.number }],
    });
    expect(row?.reason).toContain(`${change.number} was closed by a person`);
    expect(row?.reason).toContain("no proof the credential is gone");
    expect(row?.reason).toContain(REASON);
    expect(line).toContain("manual_closed");
    expect(await h.store.getEvidence(rec.finding.fingerprint, 1)).toBeNull();
  });

  it("stays unresolved with its reason and opens nothing without routing.unresolved", async () => {
    h = await harness(["snow"], undefined);
    const rec = unresolvable("none");
    await h.engine.ingest([rec]);
    await h.settle();

    const finding = await h.store.getFinding(rec.finding.fingerprint);
    expect(finding?.state).toBe("unresolved");
    expect(finding?.reason).toBe(REASON);
    expect(h.snow.store.rows("change_request")).toHaveLength(0);
  });

  it("finds the change an ambiguous create made instead of opening a second one", async () => {
    h = await harness(["snow"], { itsm: ["snow"] });
    const rec = unresolvable("ambiguous");
    // Hidden from every lookup the adapter makes itself: the engine's own lookup finds it.
    h.snow.faults.dropConnectionAfterCreate({ hiddenForQueries: 8 });
    await h.engine.ingest([rec]);
    await h.engine.runOnce();
    const afterFailure = h.snow.store.rows("change_request").length;
    const [pending] = await h.store.listTickets(rec.finding.fingerprint);

    h.clock.advance(3_600_000);
    await h.settle();

    const finding = await h.store.getFinding(rec.finding.fingerprint);
    const [ticket] = await h.store.listTickets(rec.finding.fingerprint);
    expect(afterFailure).toBe(1);
    expect(pending?.ref).toBeNull();
    expect(h.snow.store.rows("change_request")).toHaveLength(1);
    expect(finding?.state).toBe("manual");
    expect(ticket?.ref?.id).toBe(
      h.snow.store.rows("change_request")[0]!.sys_id,
    );
  });

  it("plans the finding once it resolves, in a new cycle linked to the manual ticket", async () => {
    const resolver = switchable();
    resolver.set(() => ({ ok: false, unresolved: { reason: REASON } }));
    h = await harness(["snow"], { itsm: ["snow"] }, resolver.resolve);
    const rec = {
      finding: makeFinding("resumes"),
      secret: new SecretValue(CANARY),
    };
    const fp = rec.finding.fingerprint;
    await h.engine.ingest([rec]);
    await h.settle();
    const [manual] = await h.store.listTickets(fp, 1);

    resolver.set(resolveTo("pg-test"));
    await h.engine.ingest([rec]);
    await h.settle();

    const finding = await h.store.getFinding(fp);
    const [change] = await h.store.listTickets(fp, 2);
    const notes = h.snow.store.journalText(
      "change_request",
      manual!.ref!.id,
      "work_notes",
    );
    expect(finding?.state).toBe("awaiting_approval");
    expect(finding?.cycle).toBe(2);
    expect(finding?.regressionOf).toEqual([manual!.ref]);
    expect(change?.ref?.id).not.toBe(manual!.ref!.id);
    expect(change?.correlationId).toBe(`finding-${fp.slice(0, 32)}-c2`);
    expect(notes).toContain(
      "closeloop now ties this finding to target pg-test",
    );
  });
});
