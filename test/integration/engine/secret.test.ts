import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CANARY, makeRecord } from "../../helpers/fakes/findings.js";
import { CAB, Harness } from "./harness.js";

/** Every byte of every file in the data dir: the db, its WAL and shared memory. */
function dataDirBytes(dir: string): Buffer {
  return Buffer.concat(readdirSync(dir).map((f) => readFileSync(join(dir, f))));
}

describe("the raw secret (closure contract 5)", () => {
  let h: Harness;
  afterEach(async () => h.dispose());

  it("never reaches the store file, the logs, the ticket, the notes or the evidence", async () => {
    h = await new Harness().start();
    const rec = makeRecord("canary");
    const fp = rec.finding.fingerprint;

    await h.engine.ingest([rec]);
    await h.settle();
    const whileOpen = dataDirBytes(h.dir);
    h.itsm.approve(fp, CAB);
    await h.settle();

    const ticket = h.itsm.ticketOf(fp)!;
    const ticketText = JSON.stringify({
      fields: ticket.draft.fields,
      planText: ticket.draft.planText,
      notes: ticket.notes,
      closed: ticket.closedWith,
    });
    expect(h.target.probeSecrets).toEqual([CANARY]);
    expect(whileOpen.includes(CANARY)).toBe(false);
    expect(dataDirBytes(h.dir).includes(CANARY)).toBe(false);
    expect(h.logger.text()).not.toContain(CANARY);
    expect(JSON.stringify(h.events)).not.toContain(CANARY);
    expect(ticketText).not.toContain(CANARY);
    expect(ticket.attachments[0]!.bytes.includes(CANARY)).toBe(false);
  });

  it("keeps the secret sealed while the finding is open and shreds it at closure", async () => {
    h = await new Harness().start();
    const rec = makeRecord("shred");
    const fp = rec.finding.fingerprint;
    await h.engine.ingest([rec]);
    await h.settle();

    const sealed = await h.store.getSecret(fp);
    h.itsm.approve(fp, CAB);
    await h.settle();

    expect(sealed?.ciphertext.includes(CANARY)).toBe(false);
    expect(sealed?.ciphertext.length).toBeGreaterThan(0);
    expect(await h.store.getSecret(fp)).toBeNull();
    expect((await h.store.getFinding(fp))?.hasSecret).toBe(false);
  });
});
