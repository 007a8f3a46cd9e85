import { describe, expect, it } from "vitest";
import { createDemoReporter } from "../../../src/demo/reporter.js";

describe("createDemoReporter", () => {
  it("prints one JSON object a line with --json", () => {
    const lines: string[] = [];
    const report = createDemoReporter((l) => lines.push(l), true);

    report.step("ticket.created", "opened CHG0030001", {
      change: "CHG0030001",
    });

    const parsed = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(parsed.event).toBe("ticket.created");
    expect(parsed.change).toBe("CHG0030001");
    expect(typeof parsed.elapsedMs).toBe("number");
  });

  it("prints a numbered readable list otherwise", () => {
    const lines: string[] = [];
    const report = createDemoReporter((l) => lines.push(l), false);

    report.step("a", "first");
    report.step("b", "second");

    expect(lines[0]).toMatch(/^ 1\. \[ *\d+\.\ds\] first$/);
    expect(lines[1]).toMatch(/^ 2\. .*second$/);
  });
});
