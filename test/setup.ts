import "reflect-metadata";
import { afterAll } from "vitest";
import { removeScratchDirs } from "./helpers/scratch-dir.js";

// As in src/cli/main.ts: the AWS SDK's Node-version notice, and only that, is not printed.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

// Scratch directories of the test file go once it has run: `npm test` leaves nothing in /tmp.
afterAll(removeScratchDirs);
