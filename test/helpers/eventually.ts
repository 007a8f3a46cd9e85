import { setTimeout as sleep } from "node:timers/promises";

/**
 * Polls `check` every 100 ms until it answers a value; bounded by attempts, not by a timing
 * assertion.
 */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  attempts = 100,
): Promise<T> {
  for (let i = 0; i < attempts; i += 1) {
    const value = await check();
    if (value !== undefined) return value;
    await sleep(100);
  }
  throw new Error("condition never held");
}
