import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createProgressBar } from "../../../src/cli/progress-bar.js";
import { runCli } from "../../../src/cli/program.js";
import { captureIo } from "./capture.js";

const FIXTURE = join("test", "e2e", "fixtures", "gitleaks-report.json");
const MB = 1024 * 1024;
const CLEAR = "\r\u001b[K";

describe("the ingest progress bar", () => {
  it("shows bytes read of the total, the percentage and the rate", () => {
    const written: string[] = [];
    let now = 0;
    const bar = createProgressBar(
      (t) => written.push(t),
      () => now,
    );

    bar.update(0, 100 * MB);
    now = 2000;
    bar.update(50 * MB, 100 * MB);

    expect(written.at(-1)).toBe(
      `${CLEAR}[############------------]  50%  50.0/100.0 MB  25.0 MB/s`,
    );
  });

  it("redraws at most ten times a second, and always at the end", () => {
    const written: string[] = [];
    let now = 0;
    const bar = createProgressBar(
      (t) => written.push(t),
      () => now,
    );

    for (let read = 1; read < 100; read++) {
      now += 5;
      bar.update(read, 100);
    }
    bar.update(100, 100);
    bar.clear();

    // 99 updates over ~0.5 s: the first, four more, the last; then the clearing.
    expect(written).toHaveLength(7);
    expect(written.at(-2)).toContain("100%");
    expect(written.at(-1)).toBe(CLEAR);
  });

  it("draws on a terminal's standard error and keeps standard output to JSON lines", async () => {
    const io = { ...captureIo(), errIsTty: true };

    const code = await runCli(["ingest", FIXTURE, "--dry-run", "--json"], io);

    expect(code).toBe(0);
    expect(io.stderr()).toContain("100%");
    expect(io.stderr()).toMatch(/MB\/s/);
    expect(io.stderr().endsWith(CLEAR)).toBe(true);
    const lines = io.stdout().trim().split("\n");
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines)
      expect(() => JSON.parse(line) as unknown).not.toThrow();
    expect(io.stdout()).not.toContain("\r");
  });

  it("draws nothing when standard error is not a terminal", async () => {
    const io = captureIo();

    const code = await runCli(["ingest", FIXTURE, "--dry-run", "--json"], io);

    expect(code).toBe(0);
    expect(io.stderr()).toBe("");
  });
});
