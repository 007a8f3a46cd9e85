import { describe, expect, it } from "vitest";
import { CleanupStack } from "../../../src/demo/cleanup.js";

describe("CleanupStack", () => {
  it("undoes in reverse order and keeps going past a failing step", async () => {
    const order: string[] = [];
    const stack = new CleanupStack();
    stack.defer("directory", () => {
      order.push("directory");
    });
    stack.defer("server", () => {
      throw new Error("already stopped");
    });
    stack.defer("database", () => {
      order.push("database");
    });

    const failures = await stack.runAll();

    expect(order).toEqual(["database", "directory"]);
    expect(failures.map((f) => f.name)).toEqual(["server"]);
  });

  it("runs each step once however often it is asked", async () => {
    let runs = 0;
    const stack = new CleanupStack();
    stack.defer("server", () => {
      runs += 1;
    });

    await stack.runAll();
    await stack.runAll();

    expect(runs).toBe(1);
  });
});
