import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cycleDetectedAt } from "../../../src/engine/metric-readings.js";
import { SqliteStore } from "../../../src/store/sqlite/sqlite-store.js";
import { makeFinding } from "../../helpers/fakes/findings.js";

const INGESTED = "2026-05-04T09:00:00.000Z";
const SEEN_AGAIN = "2026-06-01T12:00:00.000Z";

describe("the detection time of a cycle", () => {
  let dir: string;
  let store: SqliteStore;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "readings-"));
    store = new SqliteStore(join(dir, "db.sqlite"));
    await store.migrate();
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("is the finding's own time in its first cycle", async () => {
    const finding = makeFinding("d1");
    await store.upsertFindings([{ finding, sealedSecret: null }], INGESTED);

    const record = await store.getFinding(finding.fingerprint);

    expect(await cycleDetectedAt(store, record!)).toBe(finding.detectedAt);
  });

  it("is the new sighting's time in a regression's cycle", async () => {
    const finding = makeFinding("d2");
    await store.upsertFindings([{ finding, sealedSecret: null }], INGESTED);
    await store.transition(finding.fingerprint, "new", "closed", {}, INGESTED);
    const elsewhere = makeFinding("d2", {
      locations: [{ source: "gitleaks", file: "deploy/app.env" }],
    });
    await store.upsertFindings(
      [{ finding: elsewhere, sealedSecret: null }],
      SEEN_AGAIN,
    );

    const record = await store.getFinding(finding.fingerprint);

    expect(record?.cycle).toBe(2);
    expect(record?.finding.detectedAt).toBe(finding.detectedAt);
    expect(await cycleDetectedAt(store, record!)).toBe(SEEN_AGAIN);
  });
});
