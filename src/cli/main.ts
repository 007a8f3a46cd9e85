import "reflect-metadata";
import { endOnClosedPipe } from "./io.js";
import { runCli } from "./program.js";

/**
 * The process glue, and the only place that reads process.env, argv and the real streams. The
 * first SIGINT/SIGTERM aborts the running command so that it cleans up; a second one exits.
 */
const controller = new AbortController();
let interrupted = 0;

function onSignal(signal: NodeJS.Signals): void {
  interrupted += 1;
  if (interrupted > 1) process.exit(130);
  process.stderr.write(`closeloop: ${signal} received, stopping\n`);
  controller.abort(new Error(`${signal} received`));
}

// The AWS SDK warns on Node 20 that its releases after January 2027 need Node 22: nine lines in
// the middle of a command's output. The SDK's documented switch (aws/aws-sdk-js-v3#7983) turns
// off that one warning only; a value the user set is kept.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);
endOnClosedPipe(process.stdout, (code) => process.exit(code));

const code = await runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  errIsTty: process.stderr.isTTY === true,
  env: process.env,
  cwd: process.cwd(),
  signal: controller.signal,
});

process.exitCode = code;
process.removeListener("SIGINT", onSignal);
process.removeListener("SIGTERM", onSignal);

// A library that leaves a handle open (a socket in keep-alive, a timer) must not keep a finished
// command alive; the timer is unref'd, so it only fires when something else still holds the loop.
setTimeout(() => process.exit(code), 3000).unref();
