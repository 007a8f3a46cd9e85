import {
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import type { PauseSwitch } from "../targets/guard/index.js";

/** Who paused execution, when and why, as `closeloop status` shows it. */
export interface PauseState {
  since: string;
  reason: string | null;
}

const FILE_NAME = "paused.json";

const stateSchema = z.object({
  since: z.string(),
  reason: z.string().nullable().default(null),
});

/**
 * The global stop switch of `closeloop pause` / `resume`: a small file in the data directory, so
 * that a separate command flips it for a running daemon and it survives a restart. The Store has
 * no key-value facility; a file also means nothing to migrate. It is read before every action, so
 * a pause stops the next action at once, whichever process set it.
 */
export class FilePause implements PauseSwitch {
  readonly #path: string;
  readonly #clock: () => Date;

  constructor(dataDir: string, clock: () => Date = () => new Date()) {
    this.#path = join(dataDir, FILE_NAME);
    this.#clock = clock;
  }

  isPaused(): boolean {
    return this.state() !== null;
  }

  /** The current pause, or null while execution runs. A damaged file still counts as paused. */
  state(): PauseState | null {
    let text: string;
    try {
      text = readFileSync(this.#path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    }
    try {
      return stateSchema.parse(JSON.parse(text));
    } catch {
      return { since: "unknown", reason: `unreadable ${FILE_NAME}` };
    }
  }

  /** Pauses (again: the first time and reason are kept). */
  pause(reason: string | null): PauseState {
    const current = this.state();
    if (current !== null) return current;
    const state: PauseState = { since: this.#clock().toISOString(), reason };
    mkdirSync(join(this.#path, ".."), { recursive: true });
    // Written whole then renamed: a reader never sees half a file.
    const temp = `${this.#path}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(state)}\n`);
    renameSync(temp, this.#path);
    return state;
  }

  /** Lifts the pause; answers whether there was one. */
  resume(): boolean {
    const was = this.state() !== null;
    rmSync(this.#path, { force: true });
    return was;
  }
}
