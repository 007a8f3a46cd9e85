import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer as createNetServer } from "node:net";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { createServer } from "node:tls";
import { describe, expect, it } from "vitest";
import { runCli } from "../../../src/cli/program.js";
import { collectFindings, scanTlsEndpoint } from "../../../src/ingest/index.js";
import { captureIo } from "../cli/capture.js";
import { MemoryLogger } from "../../helpers/fakes/memory-logger.js";
import {
  pullFindings,
  pullSourceSchema,
} from "../../../src/ingest/pull/index.js";
import { scratchDir } from "../../helpers/scratch-dir.js";

const dir = scratchDir("closeloop-certs-");

function selfSigned(name: string, days: number): { cert: string; key: string } {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.pem`);
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      key,
      "-out",
      cert,
      "-days",
      String(days),
      "-subj",
      `/CN=${name}`,
    ],
    { stdio: "ignore" },
  );
  return { cert: readFileSync(cert, "utf8"), key: readFileSync(key, "utf8") };
}

const soon = selfSigned("soon.example", 5);

/** A TLS server on a free local port that presents `pair` and hangs up. */
async function serving(pair: { cert: string; key: string }) {
  const server = createServer(pair, (socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as AddressInfo).port };
}
selfSigned("later.example", 400);

describe("certificates", () => {
  it("reports only the certificates of a directory that expire within the horizon", async () => {
    const result = await collectFindings(dir, { certificateHorizonDays: 30 });

    expect(result.format).toBe("certificate");
    expect(result.records).toHaveLength(1);
    expect(result.records[0]!.finding).toMatchObject({
      kind: "certificate",
      detector: "certificate-expiry",
      severity: "high",
      status: "open",
    });
    expect(result.records[0]!.finding.preview).toMatch(/^soon\.example/);
  });

  it("reads the certificate a TLS endpoint presents", async () => {
    const { server, port } = await serving(soon);

    try {
      const check = await scanTlsEndpoint("127.0.0.1", port, {
        certificateHorizonDays: 30,
      });

      expect(check.subject).toMatch(/CN=soon\.example/);
      expect(check.record?.finding).toMatchObject({
        hints: { certificateEndpoint: `127.0.0.1:${port}` },
        locations: [{ source: "tls", resource: `127.0.0.1:${port}` }],
      });
    } finally {
      server.close();
    }
  });

  it("ingests the certificate a host:port presents, within the horizon given", async () => {
    const { server, port } = await serving(soon);
    const ingest = async (...more: string[]) => {
      const io = captureIo({}, dir);
      const args = ["ingest", `127.0.0.1:${port}`, "--dry-run", "--json"];
      const code = await runCli([...args, ...more], io);
      return { code, lines: io.stdout().split("\n").filter(Boolean) };
    };

    try {
      const within = await ingest("--horizon-days", "30");
      const beyond = await ingest("--horizon-days", "2");
      const bad = await ingest("--horizon-days", "soon");

      expect(within.code).toBe(0);
      expect(within.lines).toHaveLength(1);
      expect(JSON.parse(within.lines[0] ?? "{}")).toMatchObject({
        kind: "certificate",
        locations: [{ source: "tls", resource: `127.0.0.1:${port}` }],
      });
      expect(beyond).toEqual({ code: 0, lines: [] });
      expect(bad.code).toBe(2);
    } finally {
      server.close();
    }
  });

  it("pulls a certificates source: its paths and endpoints, past one that cannot be reached", async () => {
    const { server, port } = await serving(soon);
    const closed = createNetServer();
    await new Promise<void>((resolve) =>
      closed.listen(0, "127.0.0.1", resolve),
    );
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const logger = new MemoryLogger();
    const source = pullSourceSchema.parse({
      kind: "certificates",
      paths: [dir],
      endpoints: [`127.0.0.1:${deadPort}`, `127.0.0.1:${port}`],
      timeoutMs: 2000,
    });

    try {
      const records = [];
      for await (const r of pullFindings(source, { logger, env: {} }))
        records.push(r);

      expect(records.map((r) => r.finding.locations[0]?.source)).toEqual([
        "certificate",
        "tls",
      ]);
      expect(logger.lines).toEqual([
        expect.objectContaining({
          event: "certificate.endpoint_unreachable",
          fields: expect.objectContaining({
            endpoint: `127.0.0.1:${deadPort}`,
          }) as unknown,
        }),
      ]);
    } finally {
      server.close();
    }
  });

  it("fails a certificates pull whose path cannot be read, naming it", async () => {
    const source = pullSourceSchema.parse({
      kind: "certificates",
      paths: [join(dir, "missing")],
    });
    const pull = async () => {
      for await (const _ of pullFindings(source, {
        logger: new MemoryLogger(),
        env: {},
      }));
    };

    await expect(pull()).rejects.toMatchObject({
      code: "CERTIFICATE_PATH_UNREADABLE",
      details: { path: join(dir, "missing") },
    });
  });
});
