/**
 * Remembers deliveries already seen and the newest event time per record, so a duplicate or an
 * older delivery arriving late changes nothing. Bounded: the oldest entries are forgotten first.
 */
export class ReplayGuard {
  private readonly deliveries = new Set<string>();
  private readonly newest = new Map<string, number>();

  constructor(private readonly capacity = 10_000) {}

  /** True when this delivery id was seen before; records it otherwise. */
  isDuplicate(deliveryId: string): boolean {
    if (this.deliveries.has(deliveryId)) return true;
    this.deliveries.add(deliveryId);
    trim(this.deliveries, this.capacity);
    return false;
  }

  /** Forgets a delivery whose handling failed, so the sender's retry is processed. */
  forget(deliveryId: string): void {
    this.deliveries.delete(deliveryId);
  }

  /** True when a newer event for the record was already accepted; records this one otherwise. */
  isOutOfOrder(recordKey: string, eventTime: number): boolean {
    const seen = this.newest.get(recordKey);
    if (seen !== undefined && eventTime < seen) return true;
    this.newest.delete(recordKey);
    this.newest.set(recordKey, eventTime);
    trim(this.newest, this.capacity);
    return false;
  }
}

function trim(
  collection: Set<string> | Map<string, number>,
  capacity: number,
): void {
  while (collection.size > capacity) {
    const oldest = collection.keys().next();
    if (oldest.done === true) return;
    collection.delete(oldest.value);
  }
}
