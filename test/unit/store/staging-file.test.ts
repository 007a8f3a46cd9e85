import {
  mkdtempSync,
  readdirSync,
  readlinkSync,
  rmSync,
  statSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { StagingFile } from "../../../src/store/sqlite/staging-file.js";

describe("the staging file", () => {
  let root: string;
  let file: StagingFile;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "staging-file-test-"));
    file = new StagingFile(root);
  });
  afterEach(() => {
    file.close();
    rmSync(root, { recursive: true, force: true });
  });

  const read = (at: number, length: number): string => {
    const out = Buffer.alloc(length);
    file.readInto(out, length, at);
    return out.toString("utf8");
  };

  it("reads back what was appended, text and bytes, before and after a flush", () => {
    file.append("héllo ");
    const at = file.size;
    file.append(Buffer.from("world"));

    expect(read(0, 7)).toBe("héllo ");
    expect(read(at, 5)).toBe("world");
    expect(file.size).toBe(12);
  });

  it("keeps the order of rows larger than its write buffer among small ones", () => {
    const big = "b".repeat(3 * 1024 * 1024);
    file.append("first");
    file.append(big);
    file.append("last");

    expect(read(0, 5)).toBe("first");
    expect(read(5, big.length)).toBe(big);
    expect(read(5 + big.length, 4)).toBe("last");
  });

  it("fails with a code when a row is read past the end", () => {
    file.append("short");

    expect(() => read(2, 10)).toThrow(
      expect.objectContaining({ code: "STAGING_SHORT_READ" }),
    );
  });

  it.runIf(process.platform === "linux")(
    "is readable and writable by its owner alone",
    () => {
      // Its name is gone already: the open descriptor is the way to it.
      const fd = readdirSync("/proc/self/fd").find((n) => {
        try {
          return readlinkSync(`/proc/self/fd/${n}`).startsWith(root);
        } catch {
          return false;
        }
      });

      expect(fd).toBeDefined();
      expect(statSync(`/proc/self/fd/${fd}`).mode & 0o777).toBe(0o600);
    },
  );

  it("holds no name in its directory while open, and nothing after close", () => {
    file.append("x");
    if (process.platform !== "win32") expect(readdirSync(root)).toEqual([]);

    file.close();
    file.close();

    expect(readdirSync(root)).toEqual([]);
  });
});
