import { describe, expect, it } from "vitest";
import { createPassLoop } from "../../../src/cli/daemon/pass-loop.js";
import type { PassSummary } from "../../../src/engine/types.js";
import { silentLogger } from "../../../src/logging/logger.js";

const EMPTY: PassSummary = {
  polled: {},
  processed: 0,
  transitions: 0,
  errors: 0,
  states: {},
};

describe("createPassLoop", () => {
  it("runs a pass at once, another when woken, and never two at the same time", async () => {
    const stop = new AbortController();
    let running = 0;
    let overlapped = false;
    let passes = 0;
    let loop: ReturnType<typeof createPassLoop> | undefined = undefined;
    loop = createPassLoop({
      intervalMs: 3_600_000,
      debounceMs: 1,
      signal: stop.signal,
      logger: silentLogger,
      runOnce: async () => {
        running += 1;
        overlapped ||= running > 1;
        passes += 1;
        // Hints arriving during a pass: one more pass follows, not one each.
        if (passes === 1) {
          loop?.wake("a");
          loop?.wake("b");
        }
        await new Promise((done) => setImmediate(done));
        running -= 1;
        if (passes === 2) stop.abort();
        return EMPTY;
      },
    });

    await loop.run();

    expect(passes).toBe(2);
    expect(overlapped).toBe(false);
  });

  it("keeps passing after a pass throws, and stops when the signal aborts", async () => {
    const stop = new AbortController();
    let passes = 0;
    const loop = createPassLoop({
      intervalMs: 1,
      signal: stop.signal,
      logger: silentLogger,
      runOnce: () => {
        passes += 1;
        if (passes === 3) stop.abort();
        return passes === 1
          ? Promise.reject(new Error("ITSM asleep"))
          : Promise.resolve(EMPTY);
      },
    });

    await loop.run();

    expect(passes).toBe(3);
  });
});
