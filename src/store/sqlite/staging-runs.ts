import type { SealedSecret } from "../../custody/types.js";
import { byteLength } from "./staging-file.js";
import type { StagingFile } from "./staging-file.js";

export const SHELL = 0;
export const LOCATIONS = 1;
export type FrameKind = typeof SHELL | typeof LOCATIONS;

/** Where one run of frames is in the staging file: [start, end). */
export interface Run {
  start: number;
  end: number;
}

/** kind u8, fingerprint bytes u16, omitted u32, sealed bytes u32, payload bytes u32. */
const HEADER = 15;
/** What each run reads ahead: one read a few dozen frames, not one per frame. */
const READ_AHEAD = 64 * 1024;

/**
 * `items` in the order of their fingerprints, otherwise in the order given (the sort is stable):
 * a run is written in this order, so that runs merge by reading each straight through.
 */
export function sortedByFingerprint<T>(
  items: readonly T[],
  fingerprintOf: (item: T) => string,
): T[] {
  const keyed = items.map((item) => ({
    item,
    fingerprint: fingerprintOf(item),
  }));
  keyed.sort((a, b) =>
    a.fingerprint === b.fingerprint
      ? 0
      : a.fingerprint < b.fingerprint
        ? -1
        : 1,
  );
  return keyed.map((k) => k.item);
}

/**
 * Writes frames of one run. Within a run a fingerprint's shells must come before its locations
 * (see FindingStaging.merged); the caller writes them in that order.
 */
export class RunWriter {
  readonly #file: StagingFile;
  readonly start: number;
  // The header and the fingerprint, written as one piece; the payload goes in as it is.
  #head = Buffer.alloc(HEADER + 128);

  constructor(file: StagingFile) {
    this.#file = file;
    this.start = file.size;
  }

  add(
    fingerprint: string,
    kind: FrameKind,
    omitted: number,
    sealed: SealedSecret | null,
    payload: string | Buffer,
  ): void {
    const sealedBytes = sealed === null ? null : encodeSealed(sealed);
    const payloadLength = byteLength(payload);
    const fingerprintLength = byteLength(fingerprint);
    if (this.#head.length < HEADER + fingerprintLength) {
      this.#head = Buffer.alloc(HEADER + fingerprintLength);
    }
    const head = this.#head;
    head[0] = kind;
    head.writeUInt16LE(fingerprintLength, 1);
    head.writeUInt32LE(omitted, 3);
    head.writeUInt32LE(sealedBytes?.length ?? 0, 7);
    head.writeUInt32LE(payloadLength, 11);
    head.write(fingerprint, HEADER, "utf8");
    this.#file.append(head.subarray(0, HEADER + fingerprintLength));
    if (sealedBytes !== null) this.#file.append(sealedBytes);
    this.#file.append(payload, payloadLength);
  }

  /** The run written, or null when it holds no frame. */
  end(): Run | null {
    const end = this.#file.size;
    return end === this.start ? null : { start: this.start, end };
  }
}

/**
 * Reads one run's frames in order, a frame at a time: `fingerprint`, `kind`, `omitted` and
 * `sealed` are the current frame's; its payload is read on demand. `done` past the last frame.
 */
export class RunReader {
  readonly #file: StagingFile;
  readonly #end: number;
  #next: number;
  readonly #buffer = Buffer.allocUnsafe(READ_AHEAD);
  /** Where in the file the buffer's bytes start, and how many it holds. */
  #bufferAt = 0;
  #buffered = 0;
  #payloadAt = 0;
  #payloadLength = 0;
  done = false;
  fingerprint = "";
  kind: FrameKind = SHELL;
  omitted = 0;
  sealed: SealedSecret | null = null;

  constructor(file: StagingFile, run: Run) {
    this.#file = file;
    this.#end = run.end;
    this.#next = run.start;
    this.advance();
  }

  /** Moves to the next frame. */
  advance(): void {
    if (this.#next >= this.#end) {
      this.done = true;
      return;
    }
    const header = this.#bytes(this.#next, HEADER);
    const kind = header[0] === LOCATIONS ? LOCATIONS : SHELL;
    const fingerprintLength = header.readUInt16LE(1);
    const omitted = header.readUInt32LE(3);
    const sealedLength = header.readUInt32LE(7);
    const payloadLength = header.readUInt32LE(11);
    const at = this.#next + HEADER;
    this.kind = kind;
    this.omitted = omitted;
    this.fingerprint = this.#bytes(at, fingerprintLength).toString("utf8");
    this.sealed =
      sealedLength === 0
        ? null
        : decodeSealed(this.#bytes(at + fingerprintLength, sealedLength));
    this.#payloadAt = at + fingerprintLength + sealedLength;
    this.#payloadLength = payloadLength;
    this.#next = this.#payloadAt + payloadLength;
  }

  /** The current frame's payload: valid until this reader reads again. */
  payload(): Buffer {
    return this.#bytes(this.#payloadAt, this.#payloadLength);
  }

  #bytes(at: number, length: number): Buffer {
    const from = at - this.#bufferAt;
    if (from >= 0 && from + length <= this.#buffered) {
      return this.#buffer.subarray(from, from + length);
    }
    // A row larger than the read-ahead (one finding seen very often) is read on its own.
    if (length > this.#buffer.length) {
      const own = Buffer.allocUnsafe(length);
      this.#file.readInto(own, length, at);
      return own;
    }
    this.#bufferAt = at;
    this.#buffered = Math.min(this.#buffer.length, this.#end - at);
    this.#file.readInto(this.#buffer, this.#buffered, at);
    return this.#buffer.subarray(0, length);
  }
}

// A sealed secret as bytes: key id, IV and tag each after its u16 length, then the ciphertext.
function encodeSealed(s: SealedSecret): Buffer {
  const keyId = Buffer.from(s.keyId, "utf8");
  const parts = [keyId, s.iv, s.tag];
  const out = Buffer.alloc(
    6 + keyId.length + s.iv.length + s.tag.length + s.ciphertext.length,
  );
  let at = 0;
  for (const part of parts) {
    at = out.writeUInt16LE(part.length, at);
    at += part.copy(out, at);
  }
  s.ciphertext.copy(out, at);
  return out;
}

/** Copies: the bytes given are a view of a buffer read over again. */
function decodeSealed(bytes: Buffer): SealedSecret {
  let at = 0;
  const part = (): Buffer => {
    const length = bytes.readUInt16LE(at);
    const out = Buffer.from(bytes.subarray(at + 2, at + 2 + length));
    at += 2 + length;
    return out;
  };
  const keyId = part().toString("utf8");
  const iv = part();
  const tag = part();
  return { keyId, iv, tag, ciphertext: Buffer.from(bytes.subarray(at)) };
}
