import { describe, expect, it } from "vitest";
import { ChangeFilter } from "../../../src/engine/change-filter.js";

describe("ChangeFilter", () => {
  it("wakes on a person's change and on an unknown updater, never on closeloop's own echo", () => {
    const filter = new ChangeFilter();

    const { ids } = filter.waking("snow", {
      ids: ["a", "b", "c"],
      changes: [
        { id: "a", updatedBy: "cab.alice", byOwnUser: false },
        { id: "b", updatedBy: "closeloop", byOwnUser: true },
        { id: "c" },
      ],
    });

    expect(ids).toEqual(["a", "c"]);
  });

  it("wakes once per version: the cursor overlap's repeat is no news", () => {
    const filter = new ChangeFilter();
    const first = filter.waking("snow", {
      ids: ["a"],
      changes: [{ id: "a", version: "3" }],
    });
    first.commit();

    const repeat = filter.waking("snow", {
      ids: ["a"],
      changes: [{ id: "a", version: "3" }],
    });
    const next = filter.waking("snow", {
      ids: ["a"],
      changes: [{ id: "a", version: "4" }],
    });
    const otherInstance = filter.waking("jira", {
      ids: ["a"],
      changes: [{ id: "a", version: "3" }],
    });

    expect(first.ids).toEqual(["a"]);
    expect(repeat.ids).toEqual([]);
    expect(next.ids).toEqual(["a"]);
    expect(otherInstance.ids).toEqual(["a"]);
  });

  it("remembers nothing until the wake-up is recorded", () => {
    const filter = new ChangeFilter();
    filter.waking("snow", { ids: ["a"], changes: [{ id: "a", version: "3" }] });

    const again = filter.waking("snow", {
      ids: ["a"],
      changes: [{ id: "a", version: "3" }],
    });

    expect(again.ids).toEqual(["a"]);
  });

  it("takes the ids as they are from an adapter that reports no changes", () => {
    expect(new ChangeFilter().waking("x", { ids: ["a", "b"] }).ids).toEqual([
      "a",
      "b",
    ]);
  });
});
