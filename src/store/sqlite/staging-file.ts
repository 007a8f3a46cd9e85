import {
  closeSync,
  mkdtempSync,
  openSync,
  readSync,
  rmSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CloseloopError, InputError, messageOf } from "../../domain/errors.js";

/** Appends are gathered up to this many bytes: one write per megabyte, not one per row. */
const WRITE_BUFFER = 1024 * 1024;

/** A staged row could not be read back whole: the file changed under the staging, or broke. */
export class StagingReadError extends CloseloopError {
  constructor(at: number, length: number, got: number) {
    super(
      "STAGING_SHORT_READ",
      `staged row at ${at} (${length} bytes) read back short (${got} bytes)`,
      { details: { at, length, got } },
    );
  }
}

/**
 * The temp directory cannot hold the staging file (TMPDIR names a missing or read-only one): said
 * before anything is stored, with what to change, instead of a bare ENOENT.
 */
export class StagingDirError extends InputError {
  constructor(root: string, cause: unknown) {
    super(
      "STAGING_DIR_UNUSABLE",
      `the temp directory ${root} cannot hold the scratch file of a large read: ` +
        `${whyNot(cause)}; set TMPDIR to a writable directory`,
      { cause, details: { dir: root } },
    );
  }
}

function whyNot(cause: unknown): string {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ENOENT" || code === "ENOTDIR") return "it does not exist";
  if (code === "EACCES" || code === "EPERM" || code === "EROFS")
    return "it is not writable";
  return messageOf(cause);
}

/**
 * The bytes of a staged merge, appended to one temporary file and read back by offset. Private:
 * the file is made 0600 in a directory of its own (mkdtemp, 0700), and both are unlinked at once
 * where the system allows it (the open descriptor keeps the bytes readable), so nothing is left
 * behind even by a process that is killed; elsewhere they go at `close`.
 */
export class StagingFile {
  readonly #dir: string;
  #fd: number;
  #named: boolean;
  /** Bytes written to the file; the buffered ones follow them. */
  #written = 0;
  readonly #buffer = Buffer.allocUnsafeSlow(WRITE_BUFFER);
  #buffered = 0;

  constructor(root: string = tmpdir()) {
    try {
      this.#dir = mkdtempSync(join(root, "closeloop-staging-"));
    } catch (error) {
      throw new StagingDirError(root, error);
    }
    try {
      this.#fd = openSync(join(this.#dir, "rows"), "wx+", 0o600);
    } catch (error) {
      rmSync(this.#dir, { recursive: true, force: true });
      throw error;
    }
    this.#named = !tryRemove(this.#dir);
  }

  /** Where the next appended row starts. */
  get size(): number {
    return this.#written + this.#buffered;
  }

  /** Appends `data`, text as UTF-8; `length`: its length in bytes, when the caller knows it. */
  append(data: string | Buffer, length = byteLength(data)): void {
    if (this.#buffered + length > WRITE_BUFFER) this.flush();
    if (length > WRITE_BUFFER) {
      this.#writeAll(
        typeof data === "string" ? Buffer.from(data, "utf8") : data,
      );
      return;
    }
    if (typeof data === "string") this.#buffer.write(data, this.#buffered);
    else data.copy(this.#buffer, this.#buffered);
    this.#buffered += length;
  }

  /** Writes out what is buffered: `read` sees only what is written. */
  flush(): void {
    if (this.#buffered === 0) return;
    const buffered = this.#buffered;
    this.#buffered = 0;
    this.#writeAll(this.#buffer.subarray(0, buffered));
  }

  /** Reads `length` bytes at `at` into the start of `target`. */
  readInto(target: Buffer, length: number, at: number): void {
    if (at + length > this.#written) this.flush();
    let got = 0;
    while (got < length) {
      const n = readSync(this.#fd, target, got, length - got, at + got);
      if (n === 0) throw new StagingReadError(at, length, got);
      got += n;
    }
  }

  close(): void {
    if (this.#fd === -1) return;
    const fd = this.#fd;
    this.#fd = -1;
    try {
      closeSync(fd);
    } finally {
      if (this.#named) rmSync(this.#dir, { recursive: true, force: true });
    }
  }

  #writeAll(bytes: Buffer): void {
    let done = 0;
    while (done < bytes.length) {
      done += writeSync(
        this.#fd,
        bytes,
        done,
        bytes.length - done,
        this.#written + done,
      );
    }
    this.#written += bytes.length;
  }
}

export function byteLength(data: string | Buffer): number {
  return typeof data === "string"
    ? Buffer.byteLength(data, "utf8")
    : data.length;
}

/** Removes the file's name while it is open: true where the system allows it (not Windows). */
function tryRemove(dir: string): boolean {
  if (process.platform === "win32") return false;
  try {
    rmSync(dir, { recursive: true });
    return true;
  } catch {
    return false;
  }
}
