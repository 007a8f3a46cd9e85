import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { createServer } from "node:tls";
import { describe, expect, it } from "vitest";
import { runCli } from "../../../src/cli/program.js";
import { collectFindings, scanTlsEndpoint } from "../../../src/ingest/index.js";
import { captureIo } from "../cli/capture.js";
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
    const server = createServer({ cert: soon.cert, key: soon.key }, (socket) =>
      socket.end(),
    );
    await new Promise<void>((resolve) =>
      server.listen(0, "127.0.0.1", resolve),
    );
    const { port } = server.address() as AddressInfo;

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
    const server = createServer({ cert: soon.cert, key: soon.key }, (socket) =>
      socket.end(),
    );
    await new Promise<void>((resolve) =>
      server.listen(0, "127.0.0.1", resolve),
    );
    const { port } = server.address() as AddressInfo;
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
});
