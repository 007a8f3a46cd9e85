/** A clock the test moves by hand; the engine reads it through `clock: () => Date`. */
export class ManualClock {
  #now: number;

  constructor(start = "2026-05-04T09:00:00.000Z") {
    this.#now = Date.parse(start);
  }

  readonly now = (): Date => new Date(this.#now);

  advance(ms: number): void {
    this.#now += ms;
  }

  set(iso: string): void {
    this.#now = Date.parse(iso);
  }

  iso(): string {
    return new Date(this.#now).toISOString();
  }
}
