import { createHash, createHmac, pbkdf2Sync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { SecretValue } from "../../../src/domain/secret.js";
import { scramVerifier } from "../../../src/targets/postgres/index.js";

describe("scramVerifier", () => {
  it("writes PostgreSQL's verifier format whose keys derive from the password", () => {
    const verifier = scramVerifier(new SecretValue("pencil"));

    const match = /^SCRAM-SHA-256\$4096:([^$]+)\$([^:]+):(.+)$/.exec(verifier);
    expect(match).not.toBeNull();
    const salted = pbkdf2Sync(
      "pencil",
      Buffer.from(match![1]!, "base64"),
      4096,
      32,
      "sha256",
    );
    const clientKey = createHmac("sha256", salted)
      .update("Client Key")
      .digest();
    expect(match![2]).toBe(
      createHash("sha256").update(clientKey).digest("base64"),
    );
    expect(match![3]).toBe(
      createHmac("sha256", salted).update("Server Key").digest("base64"),
    );
    expect(verifier).not.toContain("pencil");
  });

  it("salts every verifier afresh", () => {
    const secret = new SecretValue("same");

    expect(scramVerifier(secret)).not.toBe(scramVerifier(secret));
  });
});
