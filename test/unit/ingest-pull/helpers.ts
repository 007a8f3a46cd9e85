import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { IngestRecord } from "../../../src/ingest/types.js";
import { MemoryLogger } from "../../helpers/fakes/memory-logger.js";

const FIXTURES = fileURLToPath(
  new URL("../../fixtures/findings/", import.meta.url),
);

export function readFixture(path: string): unknown {
  return JSON.parse(readFileSync(`${FIXTURES}${path}`, "utf8"));
}

export const GH_BASE = "http://127.0.0.1:4611";
export const GG_BASE = "http://127.0.0.1:4612";
export const GH_TOKEN = "ghp_PullTokenMadeUpForTests00000000000001";
export const GG_TOKEN = "ggApiKeyMadeUpForTests0000000000000000000002";
export const NOW = "2026-03-02T10:00:00.000Z";

/** A clock that a fake sleep moves forward; every requested wait is kept. */
export function fakeClock(start = NOW) {
  let current = Date.parse(start);
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => new Date(current),
    sleep: (ms: number) => {
      sleeps.push(ms);
      current += ms;
      return Promise.resolve();
    },
  };
}

export function pullDeps(env: Record<string, string> = {}) {
  const clock = fakeClock();
  const logger = new MemoryLogger();
  return {
    clock,
    logger,
    deps: {
      logger,
      env: { GH_TOKEN, GG_TOKEN, ...env },
      now: clock.now,
      sleep: clock.sleep,
      random: () => 0,
    },
  };
}

export async function collect(
  records: AsyncIterable<IngestRecord>,
): Promise<IngestRecord[]> {
  const out: IngestRecord[] = [];
  for await (const record of records) out.push(record);
  return out;
}

export async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure");
}
