import { describe, expect, it } from "vitest";
import { endOfDay, isoOption } from "../../../src/cli/evidence-command.js";

describe("the period of evidence export", () => {
  it("takes a date alone given to --to as the whole of that day", () => {
    const to = endOfDay("2026-01-31", isoOption("--to", "2026-01-31"));

    expect(to).toBe("2026-01-31T23:59:59.999Z");
    expect("2026-01-31T18:30:00.000Z" <= to).toBe(true);
  });

  it("keeps a --to that names a time as given", () => {
    const given = "2026-01-31T12:00:00Z";

    expect(endOfDay(given, isoOption("--to", given))).toBe(
      "2026-01-31T12:00:00.000Z",
    );
  });
});
