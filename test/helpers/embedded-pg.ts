import { afterAll, beforeAll } from "vitest";
import {
  startEmbeddedPostgres,
  type EmbeddedPostgresServer,
} from "../../src/sandbox/postgres/embedded.js";

export {
  startEmbeddedPostgres,
  type EmbeddedPostgresServer,
} from "../../src/sandbox/postgres/embedded.js";
export { createLeakyRole } from "../../src/sandbox/postgres/leaky-role.js";

/**
 * One real PostgreSQL per test file: started in beforeAll, stopped (and its directory removed) in
 * afterAll. Call at the top of a describe block; read `.server` inside tests and hooks.
 */
export function useEmbeddedPostgres(): {
  readonly server: EmbeddedPostgresServer;
} {
  let started: EmbeddedPostgresServer | undefined;

  beforeAll(async () => {
    started = await startEmbeddedPostgres();
  });

  afterAll(async () => {
    await started?.stop();
  });

  return {
    get server(): EmbeddedPostgresServer {
      if (started === undefined)
        throw new Error("the embedded server has not started");
      return started;
    },
  };
}
