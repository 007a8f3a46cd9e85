import { messageOf } from "../domain/errors.js";
import type { Command } from "commander";
import type { Closeloop } from "../container/index.js";
import { PAUSED_REASON } from "../engine/deferral.js";
import { startHttpServer } from "../http/server.js";
import { withCloseloop } from "./container.js";
import { createPassLoop } from "./daemon/pass-loop.js";
import { pullSource } from "./daemon/pull-source.js";
import { runSourceLoops } from "./daemon/source-loop.js";
import { webhookRoutes } from "./daemon/webhook-routes.js";
import { EXIT_FAILURE } from "./exit-code.js";
import type { CliIo, CliOutcome } from "./io.js";
import { configPathFrom, writeJsonLine, writeLine } from "./io.js";

export function registerRunCommand(
  program: Command,
  io: CliIo,
  outcome: CliOutcome,
): void {
  program
    .command("run")
    .description(
      "the daemon: pull sources, take webhooks, poll, approve-gate, execute, verify, " +
        "attach, close",
    )
    .option("--once", "pull each source once, do one full pass and exit", false)
    .option("--config <file>", "configuration file")
    .action(async (options: { once: boolean; config?: string }) => {
      const configPath = configPathFrom(options.config, io.env);
      await withCloseloop(configPath, io, (closeloop) =>
        options.once
          ? runOnce(closeloop, io, outcome)
          : runDaemon(closeloop, io),
      );
    });
}

async function runOnce(
  closeloop: Closeloop,
  io: CliIo,
  outcome: CliOutcome,
): Promise<void> {
  let pullErrors = 0;
  for (const source of closeloop.config.sources) {
    try {
      const pull = await pullSource(closeloop, source, io.env);
      writeJsonLine(io, { event: "source.pulled", ...pull });
    } catch (error) {
      pullErrors += 1;
      closeloop.logger.warn("source.pull_failed", {
        source: source.id,
        message: messageOf(error),
      });
    }
  }
  const summary = await closeloop.engine.runOnce();
  const paused = closeloop.pause.state();
  const heldBack = paused === null ? 0 : await countHeldBack(closeloop);
  writeJsonLine(io, {
    event: "pass.finished",
    ...summary,
    ...(paused === null ? {} : { paused: true, heldBack }),
  });
  if (paused !== null) {
    writeLine(
      (t) => io.err(t),
      `closeloop: execution is paused since ${paused.since}; no action runs until ` +
        '"closeloop resume"',
    );
  }
  // A pass with failed steps, or with approved work the pause held back, did not do all of its
  // work; the steps are retried later, the held ones after `closeloop resume`.
  if (summary.errors + pullErrors + heldBack > 0) {
    outcome.exitCode = EXIT_FAILURE;
  }
}

/** Findings waiting on the pause (approved, nothing run), as `status` shows them. */
async function countHeldBack(closeloop: Closeloop): Promise<number> {
  const findings = await closeloop.store.listFindings();
  return findings.filter((f) => f.reason === PAUSED_REASON).length;
}

/**
 * Everything runs until SIGINT/SIGTERM: the HTTP server (health, metrics, webhooks), one pull
 * loop per source, and the pass loop, which polls every `policy.pollIntervalMs` and runs sooner
 * when a webhook or a pull brings news.
 */
async function runDaemon(closeloop: Closeloop, io: CliIo): Promise<void> {
  const { config, logger } = closeloop;
  const passes = createPassLoop({
    runOnce: () => closeloop.engine.runOnce(),
    intervalMs: config.policy.pollIntervalMs,
    signal: io.signal,
    logger,
  });
  const routes = webhookRoutes(closeloop, {
    env: io.env,
    onHint: (hint) => passes.wake(`webhook ${hint.itsm}:${hint.instance}`),
    onIngested: () => passes.wake("webhook github"),
  });
  const http = await startHttpServer({
    host: config.http.host,
    port: config.http.port,
    health: () => closeloop.health.report(),
    ready: () => !io.signal.aborted,
    metrics: closeloop.metrics,
    logger,
    routes,
  });
  const started = {
    http: http.url,
    webhooks: routes.map((route) => route.path),
    sources: config.sources.map((source) => source.id),
    pollIntervalMs: config.policy.pollIntervalMs,
    paused: closeloop.pause.isPaused(),
  };
  logger.info("daemon.started", started);
  // On standard output too: with port 0 this is the only way to learn where it listens.
  writeJsonLine(io, { event: "daemon.started", ...started });
  try {
    await Promise.all([
      passes.run(),
      runSourceLoops(closeloop, {
        env: io.env,
        signal: io.signal,
        onPulled: (pull) => passes.wake(`source ${pull.source}`),
      }),
    ]);
  } finally {
    await http.close();
    logger.info("daemon.stopped", {});
  }
}
