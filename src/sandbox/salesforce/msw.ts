import { http, passthrough } from "msw";
import type { HttpHandler } from "msw";
import type { SalesforceSimulator } from "./simulator.js";

/** msw handlers that send every request under `baseUrl` to the simulator. */
export function salesforceHandlers(
  sim: SalesforceSimulator,
  baseUrl: string,
): HttpHandler[] {
  const root = baseUrl.replace(/\/+$/, "");
  return [
    http.all(`${root}/services/*`, async ({ request }) => {
      const response = await sim.handle(request);
      return response ?? passthrough();
    }),
  ];
}
