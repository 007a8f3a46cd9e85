import { describe, expect, it } from "vitest";
import { runCli } from "../../../src/cli/program.js";
import { captureIo } from "./capture.js";

/** Every command and subcommand a user can name, as `closeloop --help` lists them. */
const COMMANDS = [
  ["run"],
  ["ingest"],
  ["status"],
  ["plan"],
  ["pause"],
  ["resume"],
  ["demo"],
  ["sandbox"],
  ["evidence"],
  ["evidence", "export"],
  ["evidence", "public-key"],
  ["config"],
  ["config", "check"],
];

describe("the CLI, loading only the command it runs", () => {
  it.each(["constructor", "toString", "__proto__", "hasOwnProperty"])(
    "exits 2 on the unknown command %s, named like a property of every object",
    async (name) => {
      const io = captureIo();

      const code = await runCli([name], io);

      expect(code).toBe(2);
      expect(io.stderr()).toContain(`unknown command '${name}'`);
    },
  );

  it.each(COMMANDS.map((c) => [c.join(" "), c] as const))(
    "prints the help of `%s` for --help, and for `help` of it",
    async (_name, command) => {
      const flag = captureIo();
      const help = captureIo();
      // `help` takes one name: a subcommand's help is asked of its parent.
      const parent = command.slice(0, -1);
      const last = command.at(-1) ?? "";

      expect(await runCli([...command, "--help"], flag)).toBe(0);
      expect(await runCli([...parent, "help", last], help)).toBe(0);

      expect(flag.stdout()).toContain(`Usage: closeloop ${command.join(" ")}`);
      expect(flag.stdout()).toBe(help.stdout());
      expect(flag.stderr() + help.stderr()).toBe("");
    },
  );

  it("lists every command in the top-level help, in one order", async () => {
    const io = captureIo();

    expect(await runCli(["--help"], io)).toBe(0);

    const commands = io.stdout().split("Commands:")[1] ?? "";
    const listed = [...commands.matchAll(/^ {2}([a-z-]+)\b/gm)].map(
      (m) => m[1],
    );
    expect(listed).toEqual([
      "run",
      "ingest",
      "status",
      "plan",
      "pause",
      "resume",
      "demo",
      "sandbox",
      "evidence",
      "config",
      "help",
    ]);
  });
});
