import { createHash } from "node:crypto";

export interface ReplayGuardOptions {
  /** How many deliveries and records are remembered; the least recently seen go first. */
  capacity?: number;
  /** How long a delivery is remembered. GitHub lets a person redeliver for 3 days. */
  ttlMs?: number;
  now?: () => number;
}

const DEFAULT_CAPACITY = 10_000;
const DEFAULT_TTL_MS = 4 * 24 * 60 * 60 * 1000;

/** The de-duplication key of a signed body: the signature covers these bytes, the headers not. */
export function bodyKey(rawBody: Buffer): string {
  return `body:${createHash("sha256").update(rawBody).digest("hex")}`;
}

/**
 * Remembers deliveries already seen and the newest order per record, so a duplicate or an older
 * delivery arriving late changes nothing. A delivery is known by several keys: the sender's
 * delivery id (an unsigned header, so not enough alone) and the hash of the signed body, so a
 * replay with a new or missing id is still a duplicate. Bounded by count and by age; in memory
 * only, so a restart forgets it (the record is re-read before acting on any hint).
 */
export class ReplayGuard {
  private readonly deliveries = new Map<string, number>();
  private readonly newest = new Map<string, number>();
  private readonly capacity: number;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(options: ReplayGuardOptions | number = {}) {
    const given = typeof options === "number" ? { capacity: options } : options;
    this.capacity = given.capacity ?? DEFAULT_CAPACITY;
    this.ttlMs = given.ttlMs ?? DEFAULT_TTL_MS;
    this.now = given.now ?? Date.now;
  }

  /** True when any of the keys was seen within the TTL; records them all otherwise. */
  isDuplicate(...keys: string[]): boolean {
    const now = this.now();
    const seen = keys.some((key) => {
      const at = this.deliveries.get(key);
      return at !== undefined && now - at < this.ttlMs;
    });
    if (seen) return true;

    for (const key of keys) {
      this.deliveries.delete(key);
      this.deliveries.set(key, now);
    }
    trim(this.deliveries, this.capacity);
    return false;
  }

  /** Forgets a delivery whose handling failed, so the sender's retry is processed. */
  forget(...keys: string[]): void {
    for (const key of keys) this.deliveries.delete(key);
  }

  /** True when an event of this order or a newer one was already recorded for the record. */
  isOutOfOrder(recordKey: string, order: number): boolean {
    const seen = this.newest.get(recordKey);
    return seen !== undefined && order <= seen;
  }

  /** Records the order of a delivery that was handled; a lower one never replaces a higher. */
  recordOrder(recordKey: string, order: number): void {
    const seen = this.newest.get(recordKey);
    this.newest.delete(recordKey);
    this.newest.set(
      recordKey,
      seen === undefined ? order : Math.max(seen, order),
    );
    trim(this.newest, this.capacity);
  }
}

function trim(collection: Map<string, number>, capacity: number): void {
  while (collection.size > capacity) {
    const oldest = collection.keys().next();
    if (oldest.done === true) return;
    collection.delete(oldest.value);
  }
}
