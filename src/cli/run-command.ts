import type { Command } from "commander";
import { startHttpServer } from "../http/server.js";
import { withCloseloop } from "./container.js";
import { EXIT_FAILURE } from "./exit-code.js";
import type { CliIo, CliOutcome } from "./io.js";
import { configPathFrom, writeJsonLine } from "./io.js";

export function registerRunCommand(
  program: Command,
  io: CliIo,
  outcome: CliOutcome,
): void {
  program
    .command("run")
    .description(
      "the daemon: poll, approve-gate, execute, verify, attach, close",
    )
    .option("--once", "do one full pass and exit", false)
    .option("--config <file>", "configuration file")
    .action(async (options: { once: boolean; config?: string }) => {
      const configPath = configPathFrom(options.config, io.env);

      await withCloseloop(configPath, io, async (closeloop) => {
        if (options.once) {
          const summary = await closeloop.engine.runOnce();
          writeJsonLine(io, { event: "pass.finished", ...summary });
          // A pass with failed steps did not do all of its work; the steps are retried later.
          if (summary.errors > 0) outcome.exitCode = EXIT_FAILURE;
          return;
        }

        const { config } = closeloop;
        const http = await startHttpServer({
          host: config.http.host,
          port: config.http.port,
          health: () => closeloop.health.report(),
          ready: () => !io.signal.aborted,
          metrics: closeloop.metrics,
          logger: closeloop.logger,
        });
        closeloop.logger.info("daemon.started", {
          http: http.url,
          pollIntervalMs: config.policy.pollIntervalMs,
        });
        try {
          await closeloop.engine.run(io.signal, config.policy.pollIntervalMs);
        } finally {
          await http.close();
          closeloop.logger.info("daemon.stopped", {});
        }
      });
    });
}
