import type { StagedLocations } from "../domain/sightings.js";

/** Three numbers per location: whose it is (a holder's index), where its bytes start, how many. */
const FIELDS = 3;
/** Keys written into the buffer at a time (see LocationArena.add). */
const GROUP = 256;
const NEWLINE = 0x0a;

/** Where a holder's drained locations go: its own held keys first, then the arena's. */
export interface ArenaHolder {
  readonly fingerprint: string;
  /** Whether it holds locations or an omitted count of its own. */
  readonly pending: boolean;
  /** Drains what the holder itself still holds (see Sightings.drainLocations). */
  drainLocations(): StagedLocations;
}

/**
 * Location keys of a large read held as UTF-8 bytes in one buffer, not as strings: a buffer is
 * no work for the garbage collector, where a hundred thousand strings held for a while are
 * promoted to the old generation and swept there. Nothing is deduplicated here: the merge at
 * commit drops repeats and applies the cap, in the order the keys were added.
 */
export class LocationArena {
  #bytes: Buffer;
  #used = 0;
  #entries: Int32Array;
  #count = 0;
  /** Keys added since the last write into `#bytes`, their holders, and their length in chars. */
  readonly #group: string[] = [];
  readonly #groupHolders = new Int32Array(GROUP);
  #groupChars = 0;
  /** The rows of the last drain: reused by the next one. */
  #out = Buffer.alloc(0);

  /** `bytes`: what the arena holds before it is drained (see MergeBounds.arenaBytes). */
  constructor(bytes: number) {
    // Room past `bytes` for the rest of the batch that fills it: the arena seldom has to grow.
    this.#bytes = Buffer.allocUnsafeSlow(Math.max(bytes + (bytes >> 3), 1024));
    this.#entries = new Int32Array(FIELDS * 4096);
  }

  /** Bytes held (keys not yet written counted by their length). */
  get used(): number {
    return this.#used + this.#groupChars;
  }

  /**
   * Keys are written into the buffer GROUP at a time, joined: a key made by concatenation is a
   * rope that each write of its own flattened first, which cost more than making it.
   */
  add(holder: number, key: string): void {
    const n = this.#group.length;
    this.#group.push(key);
    this.#groupHolders[n] = holder;
    this.#groupChars += key.length;
    if (n + 1 === GROUP) this.#writeGroup();
  }

  #writeGroup(): void {
    const keys = this.#group;
    if (keys.length === 0) return;
    const text = keys.join("");
    while (this.#used + text.length * 3 > this.#bytes.length) this.#growBytes();
    const written = this.#bytes.write(text, this.#used, "utf8");
    while ((this.#count + keys.length) * FIELDS > this.#entries.length) {
      const entries = new Int32Array(
        Math.max(this.#entries.length * 2, FIELDS * 4096),
      );
      entries.set(this.#entries);
      this.#entries = entries;
    }
    // As many bytes as characters: every key is ASCII, its bytes as long as its text. Otherwise
    // each key is written again on its own, over the joined bytes: the offsets are then what was
    // written whatever the keys hold (two joined could even make one character of two halves).
    const ascii = written === text.length;
    let from = this.#used;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] ?? "";
      const length = ascii ? key.length : this.#bytes.write(key, from, "utf8");
      const at = this.#count * FIELDS;
      this.#entries[at] = this.#groupHolders[i] ?? 0;
      this.#entries[at + 1] = from;
      this.#entries[at + 2] = length;
      from += length;
      this.#count += 1;
    }
    this.#used = from;
    keys.length = 0;
    this.#groupChars = 0;
  }

  /**
   * Every holder's locations as one staged row each, in holder order: what the holder held itself,
   * then its keys from here in the order they came, separated by newlines (JSON escapes them
   * inside a key). Rows with no location and nothing omitted are left out; the arena is empty
   * afterwards, ready for more.
   */
  drain(holders: readonly ArenaHolder[]): StagedLocations[] {
    this.#writeGroup();
    const n = holders.length;
    // Only the few holders with locations of their own are drained: twenty thousand empty rows
    // per arena, held while they are staged, would be garbage in the old generation.
    const own = holders.map((h) => (h.pending ? h.drainLocations() : null));
    const keys = new Int32Array(n);
    const bytes = new Float64Array(n);
    for (let i = 0; i < this.#count; i++) {
      const h = this.#entries[i * FIELDS] ?? 0;
      keys[h] = (keys[h] ?? 0) + 1;
      bytes[h] = (bytes[h] ?? 0) + (this.#entries[i * FIELDS + 2] ?? 0);
    }
    // Where each holder's row starts and, while filling it, where its next byte goes.
    const start = new Float64Array(n + 1);
    const next = new Float64Array(n);
    let total = 0;
    for (let h = 0; h < n; h++) {
      const s = own[h];
      const ownBytes = s ? Buffer.byteLength(s.locations, "utf8") : 0;
      const parts = (keys[h] ?? 0) + (ownBytes > 0 ? 1 : 0);
      start[h] = total;
      total += ownBytes + (bytes[h] ?? 0) + Math.max(parts - 1, 0);
    }
    start[n] = total;
    if (this.#out.length < total) {
      this.#out = Buffer.allocUnsafeSlow(total + (total >> 4));
    }
    const out = this.#out;
    for (let h = 0; h < n; h++) {
      const s = own[h];
      const at = start[h] ?? 0;
      next[h] =
        typeof s?.locations === "string" ? at + out.write(s.locations, at) : at;
    }
    for (let i = 0; i < this.#count; i++) {
      const h = this.#entries[i * FIELDS] ?? 0;
      const from = this.#entries[i * FIELDS + 1] ?? 0;
      const length = this.#entries[i * FIELDS + 2] ?? 0;
      let at = next[h] ?? 0;
      if (at > (start[h] ?? 0)) out[at++] = NEWLINE;
      this.#bytes.copy(out, at, from, from + length);
      next[h] = at + length;
    }
    this.#used = 0;
    this.#count = 0;
    const rows: StagedLocations[] = [];
    for (let h = 0; h < n; h++) {
      const from = start[h] ?? 0;
      const to = start[h + 1] ?? 0;
      const omitted = own[h]?.omitted ?? 0;
      if (to === from && omitted === 0) continue;
      const fingerprint = holders[h]?.fingerprint ?? "";
      rows.push(new ArenaRow(fingerprint, out, from, to, omitted));
    }
    return rows;
  }

  /** Lets go of the buffers once nothing more comes: a store's commit follows, and needs memory. */
  release(): void {
    this.#bytes = Buffer.alloc(0);
    this.#out = Buffer.alloc(0);
    this.#entries = new Int32Array(0);
    this.#used = 0;
    this.#count = 0;
    this.#group.length = 0;
    this.#groupChars = 0;
  }

  #growBytes(): void {
    const bytes = Buffer.allocUnsafeSlow(
      Math.max(this.#bytes.length * 2, 1024),
    );
    this.#bytes.copy(bytes, 0, 0, this.#used);
    this.#bytes = bytes;
  }
}

/**
 * One staged row of a drain: its bytes are a view of the drain's buffer made when they are read,
 * so the row itself stays small. Valid until the next drain, which reuses the buffer: the batch
 * is staged before the next one is asked for.
 */
class ArenaRow implements StagedLocations {
  readonly #out: Buffer;
  readonly #from: number;
  readonly #to: number;

  constructor(
    readonly fingerprint: string,
    out: Buffer,
    from: number,
    to: number,
    readonly omitted: number,
  ) {
    this.#out = out;
    this.#from = from;
    this.#to = to;
  }

  get locations(): Buffer {
    return this.#out.subarray(this.#from, this.#to);
  }
}
