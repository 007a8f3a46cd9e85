import { afterEach, describe, expect, it } from "vitest";
import type { Finding } from "../../../src/domain/finding.js";
import type { Identity } from "../../../src/domain/identity.js";
import { makeRecord } from "../../helpers/fakes/findings.js";
import { RealItsmHarness } from "./real-itsm.js";

/** Findings of svc_ops go to the OPS project; the rest to the instance's own (SEC). */
function route(_finding: Finding, identity: Identity | null) {
  return identity?.principal === "svc_ops"
    ? { itsm: ["jira"], jiraProject: "OPS" }
    : { itsm: ["jira"] };
}

describe("a routing rule's Jira project", () => {
  let h: RealItsmHarness;
  afterEach(async () => h.dispose());

  it("opens the Jira issue in the project the route names", async () => {
    h = await new RealItsmHarness(["jira"], route).start();
    const ops = makeRecord("ops");
    const other = makeRecord("other");
    await h.engine.ingest([ops, other]);
    await h.settle();

    const [opsTicket] = await h.store.listTickets(ops.finding.fingerprint);
    const [otherTicket] = await h.store.listTickets(other.finding.fingerprint);

    expect(opsTicket?.ref?.key).toMatch(/^OPS-\d+$/);
    expect(h.jira.issues.get(opsTicket!.ref!.id)?.projectKey).toBe("OPS");
    expect(otherTicket?.ref?.key).toMatch(/^SEC-\d+$/);
  });
});
