import { http } from "msw";
import type { HttpHandler } from "msw";
import type { JiraSimulator } from "./simulator.js";

/** msw handlers that route every request under `baseUrl` to the simulator. */
export function jiraHandlers(
  sim: JiraSimulator,
  baseUrl: string,
): HttpHandler[] {
  const base = baseUrl.replace(/\/+$/, "");
  return [
    http.all(`${base}/*`, async ({ request }) => {
      const response = await sim.handle(request);
      // Nothing matched: let msw report the request as unhandled.
      return response ?? undefined;
    }),
  ];
}
