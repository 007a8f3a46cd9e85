import { readdirSync, readFileSync, statSync } from "node:fs";
import type * as Fs from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { EvidenceSigner } from "../../../src/evidence/signer.js";
import { scratchDir } from "../../helpers/scratch-dir.js";

// A process that looked for the key just before another one wrote it: it sees none, once.
const missedOnce = vi.hoisted(() => new Set<string>());
vi.mock("node:fs", async (original) => {
  const fs = await original<typeof Fs>();
  return {
    ...fs,
    existsSync: (path: string) => {
      if (missedOnce.delete(String(path))) return false;
      return fs.existsSync(path);
    },
  };
});

describe("the evidence signing key file", () => {
  it("is made once, owner-only, and loaded the next time", () => {
    const dir = scratchDir("closeloop-signer-");

    const first = EvidenceSigner.loadOrCreate(dir);
    const again = EvidenceSigner.loadOrCreate(dir);

    expect(again.keyId).toBe(first.keyId);
    expect(readdirSync(dir)).toEqual(["evidence-signing-key.pem"]);
    const mode = statSync(join(dir, "evidence-signing-key.pem")).mode & 0o777;
    if (process.platform !== "win32") expect(mode).toBe(0o600);
  });

  it("is the other process's when that one made it first, whole, with nothing left behind", () => {
    const dir = scratchDir("closeloop-signer-");
    const other = EvidenceSigner.loadOrCreate(dir);
    const written = readFileSync(join(dir, "evidence-signing-key.pem"));
    missedOnce.add(join(dir, "evidence-signing-key.pem"));

    const mine = EvidenceSigner.loadOrCreate(dir);

    expect(mine.keyId).toBe(other.keyId);
    expect(readFileSync(join(dir, "evidence-signing-key.pem"))).toEqual(
      written,
    );
    expect(readdirSync(dir)).toEqual(["evidence-signing-key.pem"]);
  });
});
