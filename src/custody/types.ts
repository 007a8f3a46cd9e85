/** A secret as custody keeps it at rest: AES-256-GCM, bound to its finding by the AAD. */
export interface SealedSecret {
  /** Which custody key sealed it: decryption picks the key by this id (rotation). */
  keyId: string;
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

/** One AES-256 key. The id is derived from the key, so configuration never names it. */
export interface CustodyKey {
  id: string;
  key: Buffer;
}
