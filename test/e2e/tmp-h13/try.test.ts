import { it } from "vitest";
import { runDemo } from "../../../src/demo/run-demo.js";
it("x", async () => {
  try {
    await runDemo({ scenario: process.env.SC ?? "jira", json: true, write: (l) => process.stdout.write(l + "\n"), signal: new AbortController().signal });
  } catch (e) { console.log("ERR", e, JSON.stringify((e as any).details)); }
}, 60000);
