import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Finding } from "../../../src/domain/finding.js";
import { SqliteStore } from "../../../src/store/sqlite/sqlite-store.js";
import { makeFinding } from "../../helpers/fakes/findings.js";

const AT = "2026-05-04T09:00:00.000Z";

describe("the SQLite store", () => {
  let dir: string;
  let store: SqliteStore;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "store-"));
    store = new SqliteStore(join(dir, "db.sqlite"));
    await store.migrate();
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("merges a finding reported twice, unioning locations and sources", async () => {
    const first = makeFinding("m");
    const second = makeFinding("m", {
      source: "trufflehog",
      sources: ["trufflehog"],
      severity: "critical",
      locations: [
        { source: "gitleaks", file: "config/app.env", lineReported: 3 },
        { source: "trufflehog", file: "deploy/key.go", lineReported: 1 },
      ],
    });

    await store.upsertFindings([{ finding: first, sealedSecret: null }], AT);
    const result = await store.upsertFindings(
      [{ finding: second, sealedSecret: null }],
      AT,
    );
    const merged = (await store.getFinding(first.fingerprint))!.finding;

    expect(result).toEqual({
      added: [],
      updated: [first.fingerprint],
      regressions: [],
    });
    expect(merged.sources).toEqual(["gitleaks", "trufflehog"]);
    expect(merged.locations).toHaveLength(2);
    expect(merged.severity).toBe("critical");
    expect(merged.source).toBe("gitleaks");
  });

  it("stores nothing of a batch when one item fails", async () => {
    const good = makeFinding("good");
    const bad = {
      ...makeFinding("bad"),
      locations: undefined,
    } as unknown as Finding;
    await store.upsertFindings(
      [{ finding: makeFinding("bad"), sealedSecret: null }],
      AT,
    );

    await expect(
      store.upsertFindings(
        [
          { finding: good, sealedSecret: null },
          { finding: bad, sealedSecret: null },
        ],
        AT,
      ),
    ).rejects.toThrow();

    expect(await store.getFinding(good.fingerprint)).toBeNull();
  });

  it("refuses a transition from a state the finding is not in", async () => {
    const f = makeFinding("t");
    await store.upsertFindings([{ finding: f, sealedSecret: null }], AT);

    await store.transition(f.fingerprint, "new", "planned", {}, AT);

    await expect(
      store.transition(f.fingerprint, "new", "planned", {}, AT),
    ).rejects.toThrow(/is planned, expected new/);
    expect(
      (await store.listTransitions(f.fingerprint)).map((t) => t.to),
    ).toEqual(["planned"]);
  });

  it("lets one claim hold a finding until it is released", async () => {
    const f = makeFinding("c");
    await store.upsertFindings([{ finding: f, sealedSecret: null }], AT);

    const first = await store.claimDue(AT, "a", 60_000, 10);
    const second = await store.claimDue(AT, "b", 60_000, 10);
    await store.releaseClaim(f.fingerprint, "a");
    const third = await store.claimDue(AT, "b", 60_000, 10);

    expect(first.map((r) => r.fingerprint)).toEqual([f.fingerprint]);
    expect(second).toEqual([]);
    expect(third.map((r) => r.fingerprint)).toEqual([f.fingerprint]);
  });

  it("counts the attempts of an intent begun again before it completed", async () => {
    const f = makeFinding("i");
    await store.upsertFindings([{ finding: f, sealedSecret: null }], AT);
    const intent = {
      key: "k1",
      fingerprint: f.fingerprint,
      cycle: 1,
      kind: "action",
      input: {},
    };

    await store.beginIntent(intent, AT);
    const again = await store.beginIntent(intent, AT);
    await store.completeIntent("k1", "done", { outcome: "done" }, AT);
    const afterDone = await store.beginIntent(intent, AT);

    expect(again.attempts).toBe(2);
    expect(afterDone.status).toBe("done");
    expect(afterDone.attempts).toBe(2);
  });

  it("applies its migrations once, however often it is opened", async () => {
    await store.migrate();
    await store.close();
    store = new SqliteStore(join(dir, "db.sqlite"));

    await store.migrate();

    expect(await store.listFindings()).toEqual([]);
  });
});
