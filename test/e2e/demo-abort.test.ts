import { readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { runDemo } from "../../src/demo/run-demo.js";

function demoDirs(): string[] {
  return readdirSync(tmpdir()).filter((name) =>
    name.startsWith("closeloop-demo-"),
  );
}

describe("runDemo on Ctrl-C", () => {
  it("stops at once and removes its temporary directory", async () => {
    const before = demoDirs();
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

    expect(demoDirs().filter((d) => !before.includes(d))).toEqual([]);
    expect(lines.some((l) => l.includes('"event":"demo.finished"'))).toBe(
      false,
    );
    expect(lines.at(-1)).toContain('"event":"demo.cleaned-up"');
  }, 60_000);
});
