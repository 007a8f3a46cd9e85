/**
 * Prints each step of the demo as it happens: one JSON object a line with --json, a numbered,
 * readable list otherwise. Fields are facts (ids, states, hashes); no secret is ever passed here.
 */
export type DemoFields = Record<string, unknown>;

export interface DemoReporter {
  step(event: string, text: string, fields?: DemoFields): void;
}

export function createDemoReporter(
  write: (line: string) => void,
  json: boolean,
  now: () => Date = () => new Date(),
): DemoReporter {
  const started = now().getTime();
  let count = 0;

  return {
    step(event, text, fields = {}) {
      const elapsedMs = now().getTime() - started;
      if (json) {
        write(JSON.stringify({ event, ...fields, elapsedMs }));
        return;
      }
      count += 1;
      const seconds = (elapsedMs / 1000).toFixed(1).padStart(5);
      write(`${String(count).padStart(2)}. [${seconds}s] ${text}`);
    },
  };
}
