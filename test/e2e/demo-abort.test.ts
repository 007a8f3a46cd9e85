import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runDemo } from "../../src/demo/run-demo.js";

describe("runDemo on Ctrl-C", () => {
  it("stops at once and removes its temporary directory", async () => {
    const controller = new AbortController();
    controller.abort(new Error("SIGINT received"));
    const lines: string[] = [];

    await expect(
      runDemo({
        json: true,
        write: (l) => lines.push(l),
        signal: controller.signal,
      }),
    ).rejects.toThrow();

    // Its own directory, by name: other demos may run beside this one.
    const started = JSON.parse(lines[0]!) as { event: string; workDir: string };
    expect(started.event).toBe("demo.started");
    expect(existsSync(started.workDir)).toBe(false);
    expect(lines.some((l) => l.includes('"event":"demo.finished"'))).toBe(
      false,
    );
    expect(lines.at(-1)).toContain('"event":"demo.cleaned-up"');
  }, 60_000);
});
