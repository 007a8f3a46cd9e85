import { z } from "zod";
import { canonicalJson } from "../domain/plan.js";
import { sha256Hex } from "../domain/secret.js";
import { verifySignature } from "./signer.js";

const signedDocumentSchema = z.looseObject({
  chain: z.object({ prevSha256: z.string().nullable() }),
  signature: z.object({
    alg: z.literal("Ed25519"),
    keyId: z.string(),
    value: z.string(),
  }),
});

export interface EvidenceCheck {
  ok: boolean;
  /** Why it failed; absent when ok. */
  problem?: string;
}

/** Checks one document's Ed25519 signature against the published public key. */
export function verifyEvidence(
  bytes: Buffer,
  publicKeyPem: string,
): EvidenceCheck {
  let parsed: z.infer<typeof signedDocumentSchema>;
  try {
    parsed = signedDocumentSchema.parse(JSON.parse(bytes.toString("utf8")));
  } catch {
    return { ok: false, problem: "not a signed closeloop evidence document" };
  }
  const { signature, ...body } = parsed;
  const signed = Buffer.from(canonicalJson(body), "utf8");
  if (!verifySignature(signed, signature.value, publicKeyPem)) {
    return { ok: false, problem: "signature does not match" };
  }
  return { ok: true };
}

/** Checks documents in chain order: each names the SHA-256 of the one before it. */
export function verifyEvidenceChain(
  documents: Buffer[],
  publicKeyPem: string,
): EvidenceCheck {
  let prev: string | null | undefined;
  for (const [index, bytes] of documents.entries()) {
    const check = verifyEvidence(bytes, publicKeyPem);
    if (!check.ok)
      return { ok: false, problem: `document ${index}: ${check.problem}` };
    const doc = signedDocumentSchema.parse(JSON.parse(bytes.toString("utf8")));
    if (prev !== undefined && doc.chain.prevSha256 !== prev) {
      return { ok: false, problem: `document ${index}: chain broken` };
    }
    prev = sha256Hex(bytes);
  }
  return { ok: true };
}
