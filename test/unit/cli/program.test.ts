import { describe, expect, it } from "vitest";
import { runCli } from "../../../src/cli/program.js";
import { captureIo } from "./capture.js";

describe("runCli", () => {
  it("exits 2 on an unknown command and says so", async () => {
    const io = captureIo();

    const code = await runCli(["frobnicate"], io);

    expect(code).toBe(2);
    expect(io.stderr()).toContain("unknown command 'frobnicate'");
  });

  it("exits 2 on an unknown option", async () => {
    const io = captureIo();

    const code = await runCli(["status", "--nope"], io);

    expect(code).toBe(2);
    expect(io.stderr()).toContain("--nope");
  });

  it("exits 2 with the usage when no command is given", async () => {
    const io = captureIo();

    const code = await runCli([], io);

    expect(code).toBe(2);
    expect(io.stderr()).toContain("Usage: closeloop");
  });

  it("exits 0 on --help and --version", async () => {
    const help = captureIo();
    const version = captureIo();

    expect(await runCli(["--help"], help)).toBe(0);
    expect(await runCli(["--version"], version)).toBe(0);
    expect(help.stdout()).toContain("ingest");
    expect(version.stdout().trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("exits 2 on an unknown demo scenario and lists the known ones", async () => {
    const io = captureIo();

    const code = await runCli(["demo", "--scenario", "nope"], io);

    expect(code).toBe(2);
    expect(io.stderr()).toContain("--scenario nope");
    expect(io.stderr()).toContain("postgres");
  });
});
