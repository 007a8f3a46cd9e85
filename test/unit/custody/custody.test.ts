import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  createCustody,
  parseCustodyKey,
} from "../../../src/custody/custody.js";
import { SecretValue } from "../../../src/domain/secret.js";
import { SqliteStore } from "../../../src/store/sqlite/sqlite-store.js";
import { CANARY, makeFinding } from "../../helpers/fakes/findings.js";

const key = (): string => randomBytes(32).toString("base64");

describe("custody", () => {
  const dirs: string[] = [];
  afterEach(() =>
    dirs.forEach((d) => rmSync(d, { recursive: true, force: true })),
  );

  it("seals with AES-256-GCM and opens only for the same finding", () => {
    const custody = createCustody({ current: key() });

    const sealed = custody.seal(new SecretValue(CANARY), "fp-1");

    expect(sealed.ciphertext.includes(CANARY)).toBe(false);
    expect(custody.open(sealed, "fp-1").reveal()).toBe(CANARY);
    expect(() => custody.open(sealed, "fp-2")).toThrow(/authentication/);
  });

  it("gives every sealed secret its own 12-byte IV, past the batch of IVs drawn at once", () => {
    const custody = createCustody({ current: key() });

    const sealed = Array.from({ length: 9000 }, (_, i) =>
      custody.seal(new SecretValue(`${CANARY}-${i}`), `fp-${i}`),
    );

    const ivs = new Set(sealed.map((s) => s.iv.toString("hex")));
    expect(ivs.size).toBe(sealed.length);
    expect(sealed.every((s) => s.iv.length === 12)).toBe(true);
    sealed[0]?.iv.fill(0);
    expect(custody.open(sealed[1]!, "fp-1").reveal()).toBe(`${CANARY}-1`);
    expect(custody.open(sealed[8999]!, "fp-8999").reveal()).toBe(
      `${CANARY}-8999`,
    );
  });

  it("opens with an older key and reseals with the current one on rewrap", async () => {
    const dir = mkdtempSync(join(tmpdir(), "custody-"));
    dirs.push(dir);
    const store = new SqliteStore(join(dir, "db.sqlite"));
    await store.migrate();
    const oldKey = key();
    const newKey = key();
    const finding = makeFinding("rot");
    const before = createCustody({ current: oldKey });
    await store.upsertFindings(
      [
        {
          finding,
          sealedSecret: before.seal(
            new SecretValue(CANARY),
            finding.fingerprint,
          ),
        },
      ],
      "2026-05-04T09:00:00.000Z",
    );

    const after = createCustody({ current: newKey, previous: [oldKey] });
    const count = await after.rewrap(store);
    const sealed = (await store.getSecret(finding.fingerprint))!;

    expect(count).toBe(1);
    expect(sealed.keyId).toBe(after.currentKeyId);
    expect(
      createCustody({ current: newKey })
        .open(sealed, finding.fingerprint)
        .reveal(),
    ).toBe(CANARY);
    expect(await after.rewrap(store)).toBe(0);
    await store.close();
  });

  it("refuses a key that is not 32 bytes of base64 and names where it came from", () => {
    expect(() => parseCustodyKey("c2hvcnQ=", "CLOSELOOP_CUSTODY_KEY")).toThrow(
      /CLOSELOOP_CUSTODY_KEY: the custody key must be 32 bytes/,
    );
  });

  it("fails clearly for a secret sealed with a key it no longer has", () => {
    const sealed = createCustody({ current: key() }).seal(
      new SecretValue("x"),
      "fp",
    );

    expect(() => createCustody({ current: key() }).open(sealed, "fp")).toThrow(
      /no key with id/,
    );
  });

  it("shreds a sealed secret: the row is gone", async () => {
    const dir = mkdtempSync(join(tmpdir(), "custody-"));
    dirs.push(dir);
    const store = new SqliteStore(join(dir, "db.sqlite"));
    await store.migrate();
    const finding = makeFinding("shred");
    const custody = createCustody({ current: key() });
    await store.upsertFindings(
      [
        {
          finding,
          sealedSecret: custody.seal(
            new SecretValue(CANARY),
            finding.fingerprint,
          ),
        },
      ],
      "2026-05-04T09:00:00.000Z",
    );

    await store.shredSecret(finding.fingerprint);

    expect(await store.getSecret(finding.fingerprint)).toBeNull();
    expect(await store.listSecrets()).toEqual([]);
    await store.close();
  });
});
