import type { FindingLocation } from "./finding.js";
import { locationKey } from "./location-key.js";
import { decodeUtf8 } from "./utf8.js";

/** Up to this many keys, a list finds a repeat by scanning them. */
const SCAN_LIMIT = 16;

/**
 * The location keys of one finding (see locationKey): each distinct key once, in the order first
 * seen, up to a cap; past it, new ones are only counted. `omitted` also carries the counts that
 * sightings bring with them (see Finding.locationsOmitted).
 */
export interface LocationKeys {
  readonly size: number;
  omitted: number;
  add(key: string): void;
  first(): string | undefined;
  /** The keys kept, in order, separated by `separator`. */
  joined(separator: "," | "\n"): string;
  /** The keys kept as a JSON array's UTF-8 bytes, where they are held as bytes; null otherwise. */
  jsonBytes(): Buffer | null;
  clear(): void;
}

/**
 * Keys held as strings: what a read merges into, sighting by sighting. A Set is made only past
 * SCAN_LIMIT keys: twenty thousand small Sets cost more than a scan.
 */
export class KeyStrings implements LocationKeys {
  omitted = 0;
  readonly #keys: string[] = [];
  #seen: Set<string> | null = null;
  readonly #cap: number;

  constructor(cap: number) {
    this.#cap = cap;
  }

  get size(): number {
    return this.#keys.length;
  }

  add(key: string): void {
    if (this.#has(key)) return;
    if (this.#keys.length >= this.#cap) {
      this.omitted += 1;
      return;
    }
    this.#keys.push(key);
    if (this.#seen !== null) this.#seen.add(key);
    else if (this.#keys.length > SCAN_LIMIT) this.#seen = new Set(this.#keys);
  }

  first(): string | undefined {
    return this.#keys[0];
  }

  joined(separator: "," | "\n"): string {
    return this.#keys.join(separator);
  }

  jsonBytes(): null {
    return null;
  }

  clear(): void {
    this.#keys.length = 0;
    this.#seen = null;
    this.omitted = 0;
  }

  #has(key: string): boolean {
    if (this.#seen !== null) return this.#seen.has(key);
    for (const k of this.#keys) if (k === key) return true;
    return false;
  }
}

/**
 * The keys of a staged merge, once merged (see KeyMerger): a JSON array's UTF-8 bytes, which a
 * store compresses as they are; decoded only when asked for as text. Nothing is added to them
 * after that; should anything be, they turn back into KeyStrings first.
 */
export class KeyText implements LocationKeys {
  #omitted: number;
  readonly #cap: number;
  #json: Buffer;
  #first: string | undefined;
  #count: number;
  #thawed: KeyStrings | null = null;

  /** `json`: `[`, the keys separated by commas, `]`. */
  constructor(
    cap: number,
    json: Buffer,
    first: string | undefined,
    count: number,
    omitted: number,
  ) {
    this.#cap = cap;
    this.#json = json;
    this.#first = first;
    this.#count = count;
    this.#omitted = omitted;
  }

  get size(): number {
    return this.#thawed?.size ?? this.#count;
  }

  get omitted(): number {
    return this.#thawed ? this.#thawed.omitted : this.#omitted;
  }

  set omitted(n: number) {
    if (this.#thawed) this.#thawed.omitted = n;
    else this.#omitted = n;
  }

  add(key: string): void {
    this.#thaw().add(key);
  }

  first(): string | undefined {
    return this.#thawed ? this.#thawed.first() : this.#first;
  }

  joined(separator: "," | "\n"): string {
    if (this.#thawed) return this.#thawed.joined(separator);
    if (separator === "\n") return this.#keyList().join("\n");
    return decodeUtf8(this.#json, 1, this.#json.length - 1);
  }

  jsonBytes(): Buffer | null {
    return this.#thawed ? null : this.#json;
  }

  clear(): void {
    this.#thaw().clear();
  }

  /** The keys as KeyStrings again: each parsed and written again, which gives the same text. */
  #thaw(): KeyStrings {
    if (this.#thawed) return this.#thawed;
    const keys = new KeyStrings(this.#cap);
    for (const key of this.#keyList()) keys.add(key);
    keys.omitted = this.#omitted;
    this.#thawed = keys;
    this.#json = Buffer.alloc(0);
    return keys;
  }

  #keyList(): string[] {
    const text = decodeUtf8(this.#json, 0, this.#json.length);
    return (JSON.parse(text) as FindingLocation[]).map(locationKey);
  }
}
