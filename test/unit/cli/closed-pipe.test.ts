import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { CLOSED_PIPE_EXIT, endOnClosedPipe } from "../../../src/cli/io.js";

const failure = (code: string) =>
  Object.assign(new Error(`write ${code}`), { code });

describe("standard output whose reader went away", () => {
  it("ends the command with 141 on EPIPE, and no error thrown", () => {
    const stream = new EventEmitter();
    const exits: number[] = [];
    endOnClosedPipe(stream, (code) => exits.push(code));

    stream.emit("error", failure("EPIPE"));

    expect(exits).toEqual([CLOSED_PIPE_EXIT]);
    expect(CLOSED_PIPE_EXIT).toBe(141);
  });

  it("throws any other error of the stream as it was", () => {
    const stream = new EventEmitter();
    const exits: number[] = [];
    endOnClosedPipe(stream, (code) => exits.push(code));

    expect(() => stream.emit("error", failure("EIO"))).toThrow("write EIO");
    expect(exits).toEqual([]);
  });
});
