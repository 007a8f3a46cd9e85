import { chmodSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FindingStaging } from "../../../src/store/sqlite/staging.js";
import { scratchDir } from "../../helpers/scratch-dir.js";

describe("the staging of a large read in an unusable temp directory", () => {
  it("names the directory and says to set TMPDIR when it does not exist", () => {
    const missing = join(scratchDir("staging-dir-"), "no-such-dir");

    expect(() => new FindingStaging(missing)).toThrow(
      expect.objectContaining({
        code: "STAGING_DIR_UNUSABLE",
        message:
          `the temp directory ${missing} cannot hold the scratch file of a large read: ` +
          "it does not exist; set TMPDIR to a writable directory",
      }),
    );
  });

  // Root writes anywhere: the check needs an ordinary user.
  it.runIf(process.getuid?.() !== 0)(
    "says it is not writable when it is read-only, and leaves nothing in it",
    () => {
      const dir = join(scratchDir("staging-dir-"), "read-only");
      mkdirSync(dir);
      chmodSync(dir, 0o500);

      try {
        expect(() => new FindingStaging(dir)).toThrow(/it is not writable/);
        expect(readdirSync(dir)).toEqual([]);
      } finally {
        chmodSync(dir, 0o700);
      }
    },
  );
});
