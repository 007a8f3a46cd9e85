import { gzipSync } from "node:zlib";

/** One file of an archive. */
export interface TarEntry {
  name: string;
  bytes: Buffer;
  mtime: Date;
}

const BLOCK = 512;

/**
 * A gzip'd POSIX ustar archive of a few small files: what `evidence export` writes, readable
 * with `tar -xzf` anywhere, without a dependency for it. Names are at most 100 bytes.
 */
export function createTarGz(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    parts.push(header(entry));
    parts.push(entry.bytes);
    const pad = (BLOCK - (entry.bytes.length % BLOCK)) % BLOCK;
    parts.push(Buffer.alloc(pad));
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return gzipSync(Buffer.concat(parts));
}

function header(entry: TarEntry): Buffer {
  const block = Buffer.alloc(BLOCK);
  const name = Buffer.from(entry.name, "utf8");
  if (name.length > 100)
    throw new Error(`archive entry name too long: ${entry.name}`);

  name.copy(block, 0);
  writeOctal(block, 100, 8, 0o644);
  writeOctal(block, 108, 8, 0);
  writeOctal(block, 116, 8, 0);
  writeOctal(block, 124, 12, entry.bytes.length);
  writeOctal(block, 136, 12, Math.floor(entry.mtime.getTime() / 1000));
  block.fill(" ", 148, 156);
  block.write("0", 156, "ascii");
  block.write("ustar\u000000", 257, "ascii");

  let sum = 0;
  for (const byte of block) sum += byte;
  writeOctal(block, 148, 7, sum);
  return block;
}

function writeOctal(
  block: Buffer,
  offset: number,
  size: number,
  value: number,
): void {
  const text = value.toString(8).padStart(size - 1, "0");
  block.write(`${text}\u0000`, offset, size, "ascii");
}
