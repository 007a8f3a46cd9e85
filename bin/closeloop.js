#!/usr/bin/env node
// The CLI entry point: the compiled program lives in dist/ (npm run build).
import("../dist/src/cli/main.js").catch((error) => {
  process.stderr.write(
    `closeloop: cannot start (${String(error)}); run "npm run build" first\n`,
  );
  process.exit(1);
});
