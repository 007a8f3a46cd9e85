import { CommanderError } from "commander";
import { describe, expect, it } from "vitest";
import { describeError, exitCodeFor } from "../../../src/cli/exit-code.js";
import { CloseloopError, InputError } from "../../../src/domain/errors.js";

describe("exitCodeFor", () => {
  it("answers 2 for bad input and 1 for a failure of the work", () => {
    const input = new InputError("REPORT_MALFORMED", "report.json: line 3");
    const work = new CloseloopError("ITSM_UNAVAILABLE", "snow answered 503");

    expect(exitCodeFor(input)).toBe(2);
    expect(exitCodeFor(work)).toBe(1);
    expect(exitCodeFor(new Error("boom"))).toBe(1);
  });

  it("answers 2 for commander usage errors and 0 for help and version", () => {
    const usage = new CommanderError(1, "commander.unknownCommand", "x");
    const help = new CommanderError(0, "commander.helpDisplayed", "");
    const version = new CommanderError(0, "commander.version", "0.1.0");

    expect(exitCodeFor(usage)).toBe(2);
    expect(exitCodeFor(help)).toBe(0);
    expect(exitCodeFor(version)).toBe(0);
  });
});

describe("describeError", () => {
  it("names the code and lists each problem with its path", () => {
    const error = new InputError("CONFIG_INVALID", "config/x.yaml is invalid", {
      details: {
        issues: [{ path: ["itsm", 0, "url"], message: "must be a URL" }],
      },
    });

    const line = describeError(error);

    expect(line).toContain("config/x.yaml is invalid");
    expect(line).toContain("[CONFIG_INVALID]");
    expect(line).toContain("itsm.0.url: must be a URL");
  });

  it("prints nothing for commander errors, which commander already printed", () => {
    expect(describeError(new CommanderError(1, "commander.error", "x"))).toBe(
      null,
    );
  });
});
