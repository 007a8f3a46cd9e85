import { InvalidArgumentError } from "commander";
import type { Command } from "commander";
import { InputError } from "../domain/errors.js";
import { JiraSimulator } from "../sandbox/jira/index.js";
import { startSandboxServer } from "../sandbox/server.js";
import {
  DEFAULT_SANDBOX_PASSWORD,
  INTEGRATION_USER,
  ServiceNowSimulator,
} from "../sandbox/servicenow/index.js";
import type { CliIo, CliOutcome } from "./io.js";
import { writeLine } from "./io.js";

/** A TCP port from the command line: 0 (any free port) to 65535. */
export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new InvalidArgumentError("give a port number from 0 to 65535.");
  }
  return port;
}

export function registerSandboxCommand(
  program: Command,
  io: CliIo,
  _outcome: CliOutcome,
): void {
  program
    .command("sandbox")
    .description(
      "serve the ServiceNow and Jira simulators and the CAB approval page on localhost",
    )
    .option("--port <n>", "port to listen on (0: a free port)", parsePort, 8090)
    .action(async (options: { port: number }) => {
      const servicenow = new ServiceNowSimulator();
      const jira = new JiraSimulator();
      const server = await startSandboxServer({
        port: options.port,
        systems: [servicenow, jira],
      }).catch((error: unknown) => {
        throw portInUse(error, options.port) ?? error;
      });

      const say = (text: string): void => writeLine((t) => io.out(t), text);
      say(`sandbox listening on ${server.url}`);
      say(`  approval page:  ${server.url}/`);
      say(`  ServiceNow API: ${server.url}/api/now/ (basic auth)`);
      say(`  Jira API:       ${server.url}/rest/api/3/`);
      say(
        `  ServiceNow user ${INTEGRATION_USER}, password ${DEFAULT_SANDBOX_PASSWORD} ` +
          "(sandbox only)",
      );
      say("press Ctrl-C to stop");

      await waitForAbort(io.signal);
      await server.close();
      say("sandbox stopped");
    });
}

/** A taken port is the user's to change, not a failure of closeloop: exit 2 saying how. */
function portInUse(error: unknown, port: number): InputError | null {
  if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE") return null;
  return new InputError(
    "PORT_IN_USE",
    `port ${port} is in use; give --port 0 for a free one`,
    { cause: error, details: { port } },
  );
}

function waitForAbort(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) =>
    signal.addEventListener("abort", () => resolve(), { once: true }),
  );
}
