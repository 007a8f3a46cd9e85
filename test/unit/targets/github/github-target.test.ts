import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SecretValue } from "../../../../src/domain/secret.js";
import { silentLogger } from "../../../../src/logging/logger.js";
import { createGithubSimulator } from "../../../../src/sandbox/github/index.js";
import type { GithubSimSeed } from "../../../../src/sandbox/github/index.js";
import {
  createGithubTarget,
  GITHUB_ACTIONS,
} from "../../../../src/targets/github/index.js";
import {
  actionOf,
  makeContext,
  makeFinding,
  makeIdentity,
  manualClock,
  planOf,
} from "../harness.js";

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const BASE = "http://127.0.0.1:4598/api";
const ADMIN = "ghp_ConnectorAdminTokenForTests0000000000";
const LEAKED = new SecretValue("ghp_LeakedTokenMadeUpForTests1234567890ab");
const ALERT_URL = "https://github.com/acme/api/security/secret-scanning/42";
const finding = makeFinding({
  detector: "github-pat",
  preview: "ghp_********90ab",
  locations: [{ source: "github-secret-scanning", url: ALERT_URL }],
});
const identity = makeIdentity("gh", "github", "svc-bot");

function start(seed: GithubSimSeed) {
  const sim = createGithubSimulator({ baseUrl: BASE, adminToken: ADMIN, seed });
  server.use(...sim.handlers());
  const clock = manualClock();
  const target = createGithubTarget(
    { id: "gh", kind: "github", baseUrl: BASE, token: { env: "GH_ADMIN" } },
    {
      logger: silentLogger,
      env: { GH_ADMIN: ADMIN },
      now: clock.now,
      sleep: clock.sleep,
    },
  );
  return { sim, target };
}

const tokenSeed: GithubSimSeed = {
  tokens: [{ value: LEAKED.reveal(), login: "svc-bot" }],
  alerts: [{ repo: "acme/api", number: 42, token: LEAKED.reveal() }],
};

describe("GitHub target", () => {
  it("plans an anonymous revoke that says it cannot be undone, then the alert", () => {
    const { target } = start(tokenSeed);

    const plan = planOf(target, identity, finding);

    expect(plan.actions.map((a) => a.kind)).toEqual([
      GITHUB_ACTIONS.revokeCredential,
      GITHUB_ACTIONS.resolveAlert,
    ]);
    expect(plan.actions[0]?.undo).toBeNull();
    expect(plan.actions[0]?.impact).toContain("Cannot be undone");
    expect(JSON.stringify(plan)).not.toContain(LEAKED.reveal());
  });

  it("marks only the token revocation as taking the leaked value", () => {
    const { target } = start(tokenSeed);

    const plan = planOf(target, identity, finding);

    expect(plan.actions.map((a) => a.usesLeakedSecret === true)).toEqual([
      true,
      false,
    ]);
  });

  it("revokes the token without authentication and proves it with GET /user answering 401", async () => {
    const { sim, target } = start(tokenSeed);
    const plan = planOf(target, identity, finding);
    const ctx = makeContext(finding, identity, LEAKED);

    const result = await target.execute(
      actionOf(plan, GITHUB_ACTIONS.revokeCredential),
      ctx,
    );
    const proof = await target.verify(plan, ctx);

    expect(result.resultCode).toBe("REVOCATION_ACCEPTED");
    expect(sim.state.tokens.get(LEAKED.reveal())?.active).toBe(false);
    expect(sim.state.calls).toContain("POST /credentials/revoke");
    expect(proof.answer).toBe("invalid");
    expect(proof.checks.map((c) => c.observed)).toContain(
      "GET /user 401 Bad credentials",
    );
    expect(proof.checks.map((c) => c.observed)).toContain("validity inactive");
  });

  it("answers ALREADY_REVOKED without calling the revoke API when the token is dead", async () => {
    const { sim, target } = start({
      tokens: [{ value: LEAKED.reveal(), login: "x", active: false }],
    });
    const plan = planOf(target, identity, finding);

    const result = await target.execute(
      actionOf(plan, GITHUB_ACTIONS.revokeCredential),
      makeContext(finding, identity, LEAKED),
    );

    expect(result.outcome).toBe("already_done");
    expect(result.resultCode).toBe("ALREADY_REVOKED");
    expect(sim.state.calls).not.toContain("POST /credentials/revoke");
  });

  it("fails the revoke when no secret is in custody", async () => {
    const { target } = start(tokenSeed);
    const plan = planOf(target, identity, finding);

    const result = await target.execute(
      actionOf(plan, GITHUB_ACTIONS.revokeCredential),
      makeContext(finding, identity, null),
    );

    expect(result.outcome).toBe("failed");
    expect(result.error?.code).toBe("SECRET_NOT_IN_CUSTODY");
  });

  it("ends valid after bounded tries while the token keeps authenticating", async () => {
    const { target } = start(tokenSeed);
    const plan = planOf(target, identity, finding);

    const proof = await target.verify(
      plan,
      makeContext(finding, identity, LEAKED),
    );

    expect(proof.answer).toBe("valid");
    // deadline 300 s / interval 10 s: 31 rounds, capped by maxAttempts 30.
    expect(proof.attempts).toBe(30);
  });

  it("resolves the alert as revoked with a comment naming the change, and reopens it on undo", async () => {
    const { sim, target } = start(tokenSeed);
    const action = actionOf(
      planOf(target, identity, finding),
      GITHUB_ACTIONS.resolveAlert,
    );
    const ctx = {
      ...makeContext(finding, identity, LEAKED),
      changeRef: {
        itsm: "servicenow",
        key: "CHG0030042",
        url: "https://snow.example/change_request.do?sys_id=1",
      },
    };

    const resolved = await target.execute(action, ctx);
    const repeat = await target.execute(action, ctx);
    const alert = { ...sim.state.alerts.get("acme/api#42") };
    const undone = await target.undo?.(action, ctx);

    expect(resolved.resultCode).toBe("ALERT_RESOLVED");
    expect(alert.resolution).toBe("revoked");
    expect(alert.resolution_comment).toContain("CHG0030042");
    expect(alert.resolution_comment).toContain(
      "https://snow.example/change_request.do?sys_id=1",
    );
    expect(repeat.outcome).toBe("already_done");
    expect(undone?.resultCode).toBe("ALERT_REOPENED");
    expect(sim.state.alerts.get("acme/api#42")?.state).toBe("open");
  });

  it("deletes a deploy key, records its public key, and proves it with a 404", async () => {
    const { sim, target } = start({
      deployKeys: [
        { repo: "acme/api", id: 77, key: "ssh-ed25519 AAAAC3Nza-made-up" },
      ],
    });
    const keyFinding = makeFinding({
      detector: "ssh-private-key",
      hints: { githubRepository: "acme/api" },
    });
    const keyIdentity = makeIdentity("gh", "github", "deploy-key:77");
    const plan = planOf(target, keyIdentity, keyFinding);
    const ctx = makeContext(keyFinding, keyIdentity, null);

    const result = await target.execute(
      actionOf(plan, GITHUB_ACTIONS.deleteDeployKey),
      ctx,
    );
    const repeat = await target.execute(
      actionOf(plan, GITHUB_ACTIONS.deleteDeployKey),
      ctx,
    );
    const proof = await target.verify(plan, ctx);

    expect(result.detail.publicKey).toBe("ssh-ed25519 AAAAC3Nza-made-up");
    expect(repeat.resultCode).toBe("ALREADY_DELETED");
    expect(sim.state.deployKeys.get("acme/api")?.has(77)).toBe(false);
    expect(proof.answer).toBe("invalid");
  });

  it("deletes a ghs_ installation token with the token itself", async () => {
    const ghs = new SecretValue("ghs_InstallationTokenMadeUp000000000000");
    const { sim, target } = start({
      tokens: [{ value: ghs.reveal(), login: "app" }],
    });
    const ghsFinding = makeFinding({
      preview: "ghs_********0000",
      hints: { githubTokenType: "ghs" },
    });
    const plan = planOf(target, identity, ghsFinding);
    const ctx = makeContext(ghsFinding, identity, ghs);

    const result = await target.execute(
      actionOf(plan, GITHUB_ACTIONS.deleteInstallationToken),
      ctx,
    );
    const proof = await target.verify(plan, ctx);

    expect(result.resultCode).toBe("TOKEN_DELETED");
    expect(sim.state.calls).toContain("DELETE /installation/token");
    expect(proof.answer).toBe("invalid");
  });
});
