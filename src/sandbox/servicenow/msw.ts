import { http, passthrough } from "msw";
import type { HttpHandler } from "msw";
import type { ServiceNowSimulator } from "./simulator.js";

/** msw handlers that send every request under `baseUrl` to the simulator. */
export function servicenowHandlers(
  sim: ServiceNowSimulator,
  baseUrl: string,
): HttpHandler[] {
  const root = baseUrl.replace(/\/+$/, "");
  return [
    http.all(`${root}/*`, async ({ request }) => {
      const response = await sim.handle(request);
      return response ?? passthrough();
    }),
  ];
}
