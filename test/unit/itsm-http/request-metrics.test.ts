import axios from "axios";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  countingAdapter,
  requestReporter,
} from "../../../src/itsm/http/index.js";
import { createAuthProvider } from "../../../src/itsm/servicenow/auth.js";
import { servicenowInstanceSchema } from "../../../src/itsm/servicenow/index.js";

const BASE = "https://itsm.example.test";

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function recorder() {
  const seen: string[] = [];
  const report = (method: string, status: number | "error") => {
    seen.push(`${method} ${String(status)}`);
  };
  return { seen, report };
}

describe("the counting axios adapter", () => {
  it("reports the method and status of each request, resolved or rejected", async () => {
    server.use(
      http.get(`${BASE}/ok`, () => HttpResponse.json({ ok: true })),
      http.post(`${BASE}/busy`, () =>
        HttpResponse.json({}, { status: 429, headers: { "Retry-After": "1" } }),
      ),
      http.get(`${BASE}/gone`, () => HttpResponse.error()),
    );
    const { seen, report } = recorder();
    const client = axios.create({
      baseURL: BASE,
      adapter: countingAdapter(report),
    });

    await client.get("/ok");
    const busy = await client.post("/busy").catch((e: unknown) => e);
    const gone = await client.get("/gone").catch((e: unknown) => e);

    expect(seen).toEqual(["GET 200", "POST 429", "GET error"]);
    expect(busy).toBeInstanceOf(Error);
    expect(gone).toBeInstanceOf(Error);
  });

  it("binds a reporter to one instance and does nothing without metrics", () => {
    const calls: string[] = [];
    const metrics = {
      itsmRequest: (instance: string, method: string, status: unknown) =>
        calls.push(`${instance} ${method} ${String(status)}`),
    };

    requestReporter(metrics, "snow-prod")("PATCH", 200);
    requestReporter(undefined, "snow-prod")("PATCH", 500);

    expect(calls).toEqual(["snow-prod PATCH 200"]);
  });

  it("counts ServiceNow's OAuth token requests with the instance's others", async () => {
    server.use(
      http.post(`${BASE}/oauth_token.do`, () =>
        HttpResponse.json({ access_token: "tok-1", expires_in: 1800 }),
      ),
    );
    const config = servicenowInstanceSchema.parse({
      id: "snow",
      kind: "servicenow",
      baseUrl: BASE,
      auth: {
        type: "oauth",
        clientId: "closeloop",
        clientSecret: { env: "SN_CLIENT_SECRET" },
      },
      integrationUser: "closeloop.integration",
    });
    const { seen, report } = recorder();
    const auth = createAuthProvider(
      config,
      { SN_CLIENT_SECRET: "client-secret-value" },
      () => new Date(),
      report,
    );

    const header = await auth.header();
    await auth.header();

    expect(header).toBe("Bearer tok-1");
    // The second header reuses the token: one request only.
    expect(seen).toEqual(["POST 200"]);
  });
});
