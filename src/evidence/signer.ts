import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  verify,
  type KeyObject,
} from "node:crypto";
import {
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { sha256Hex } from "../domain/secret.js";

const KEY_FILE = "evidence-signing-key.pem";

/**
 * Signs evidence documents with Ed25519. The private key lives in the data directory (created on
 * first use, mode 0600); the public key is what compliance uses to check a document.
 */
export class EvidenceSigner {
  readonly #privateKey: KeyObject;
  readonly #publicKey: KeyObject;

  constructor(privateKey: KeyObject) {
    this.#privateKey = privateKey;
    this.#publicKey = createPublicKey(privateKey);
  }

  static generate(): EvidenceSigner {
    return new EvidenceSigner(generateKeyPairSync("ed25519").privateKey);
  }

  /**
   * The key is written whole under a name of its own, then linked into place: of two processes
   * starting on a new data directory at once, one links first and the other loads that key
   * (writing in place, the second failed with EEXIST, or could read a half-written file).
   */
  static loadOrCreate(dataDir: string): EvidenceSigner {
    const path = join(dataDir, KEY_FILE);
    if (existsSync(path)) return EvidenceSigner.#load(path);
    mkdirSync(dataDir, { recursive: true });
    const signer = EvidenceSigner.generate();
    const pem = signer.#privateKey.export({ type: "pkcs8", format: "pem" });
    const own = `${path}.${process.pid}.${randomBytes(6).toString("hex")}`;
    writeFileSync(own, pem, { mode: 0o600, flag: "wx" });
    try {
      linkSync(own, path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      return EvidenceSigner.#load(path);
    } finally {
      rmSync(own, { force: true });
    }
    return signer;
  }

  static #load(path: string): EvidenceSigner {
    return new EvidenceSigner(createPrivateKey(readFileSync(path, "utf8")));
  }

  /** A short stable id of the public key: which key signed a document. */
  get keyId(): string {
    const der = this.#publicKey.export({ type: "spki", format: "der" });
    return sha256Hex(der).slice(0, 16);
  }

  publicKeyPem(): string {
    return this.#publicKey.export({ type: "spki", format: "pem" }).toString();
  }

  /** Base64 Ed25519 signature over the bytes. */
  sign(bytes: Buffer): string {
    return sign(null, bytes, this.#privateKey).toString("base64");
  }
}

export function verifySignature(
  bytes: Buffer,
  signatureBase64: string,
  publicKeyPem: string,
): boolean {
  return verify(
    null,
    bytes,
    createPublicKey(publicKeyPem),
    Buffer.from(signatureBase64, "base64"),
  );
}
