import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/program.js";
import { parsePostgresDsn } from "../../src/ingest/index.js";
import { captureIo } from "../unit/cli/capture.js";

const SAMPLE_ENV = join(
  "examples",
  "leaky-service",
  "config",
  "production.env",
);

/** The password the sample project leaks: the value that must appear in no output. */
function leakedPassword(): string {
  const line = readFileSync(SAMPLE_ENV, "utf8")
    .split("\n")
    .find((l) => l.startsWith("DATABASE_URL="));
  const dsn = parsePostgresDsn(line!.slice("DATABASE_URL=".length));
  return dsn!.password;
}

function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe("closeloop demo --json", () => {
  it("closes the change only after the leaked password stops working", async () => {
    const io = captureIo();

    const code = await runCli(["demo", "--json"], io);

    expect(io.stderr()).toBe("");
    expect(code).toBe(0);
    const events = jsonLines(io.stdout());
    const last = events.at(-1)!;
    expect(last.event).toBe("demo.finished");
    expect(last.state).toBe("closed");
    expect(last.change).toMatch(/^CHG\d+$/);
    expect(last.evidenceSha256).toMatch(/^[0-9a-f]{64}$/);

    const checked = events.find((e) => e.event === "demo.checked")!;
    expect(checked.changeState).toBe("Closed");
    expect(checked.closeCode).toBe("successful");
    const attachments = checked.attachments as { sha256: string }[];
    expect(attachments.map((a) => a.sha256)).toContain(last.evidenceSha256);
    expect(checked.leakedPasswordLogsIn).toBe(false);

    const started = events.find((e) => e.event === "demo.postgres.started")!;
    expect(started.leakedPasswordLogsIn).toBe(true);

    const names = events.map((e) => e.event);
    expect(names.indexOf("demo.cab.approved")).toBeLessThan(
      names.indexOf("ticket.closed"),
    );
    expect(io.stdout()).not.toContain(leakedPassword());
  }, 120_000);
});
