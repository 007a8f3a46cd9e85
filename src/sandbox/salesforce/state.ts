import { randomBytes } from "node:crypto";

export interface SfUser {
  Id: string;
  Username: string;
  Name: string;
  IsActive: boolean;
}
export interface SfUserLogin {
  Id: string;
  UserId: string;
  IsFrozen: boolean;
}
export interface SfPermissionSet {
  Id: string;
  Name: string;
  IsOwnedByProfile: boolean;
}
export interface SfAssignment {
  Id: string;
  AssigneeId: string;
  PermissionSetId: string;
}
export interface SfSession {
  Id: string;
  UsersId: string;
  SessionType: string;
  LoginType: string;
  /** The access token this session backs, when it is an OAuth session. */
  token?: string;
}
export interface SfToken {
  kind: "access" | "refresh";
  userId: string;
  clientId: string;
  revoked: boolean;
  /** For an access token minted by a refresh grant: that refresh token. */
  parent?: string;
}

/** A connected app; JWT users must be pre-authorised, client credentials need a run-as user. */
export interface SfApp {
  clientId: string;
  clientSecret?: string;
  /** SPKI PEM of the certificate uploaded to the app, for JWT bearer assertions. */
  publicKeyPem?: string;
  preAuthorized?: string[];
  runAsUsername?: string;
}

export interface SalesforceSimSeed {
  orgId?: string;
  apps: SfApp[];
  permissionSets?: { name: string; ownedByProfile?: boolean }[];
  users: {
    username: string;
    active?: boolean;
    frozen?: boolean;
    permissionSets?: string[];
  }[];
}

const ID_CHARS =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** The whole org in memory: tables keyed by record Id, tokens keyed by value. */
export class SalesforceState {
  readonly orgId: string;
  readonly apps: SfApp[];
  readonly users = new Map<string, SfUser>();
  readonly userLogins = new Map<string, SfUserLogin>();
  readonly permissionSets = new Map<string, SfPermissionSet>();
  readonly assignments = new Map<string, SfAssignment>();
  readonly sessions = new Map<string, SfSession>();
  readonly tokens = new Map<string, SfToken>();
  #counter = 0;

  constructor(seed: SalesforceSimSeed) {
    this.orgId = seed.orgId ?? "00D5g000004SimOrg";
    this.apps = seed.apps;
    for (const set of seed.permissionSets ?? []) {
      const Id = this.newId("0PS");
      this.permissionSets.set(Id, {
        Id,
        Name: set.name,
        IsOwnedByProfile: set.ownedByProfile ?? false,
      });
    }
    for (const user of seed.users) this.#addUser(user);
  }

  newId(prefix: string): string {
    this.#counter += 1;
    const serial = this.#counter.toString(36).padStart(6, "0");
    return `${prefix}5g0000${serial}AAA`;
  }

  userByName(username: string): SfUser | undefined {
    return [...this.users.values()].find((u) => u.Username === username);
  }

  permissionSetByName(name: string): SfPermissionSet | undefined {
    return [...this.permissionSets.values()].find((p) => p.Name === name);
  }

  loginOf(userId: string): SfUserLogin | undefined {
    return [...this.userLogins.values()].find((l) => l.UserId === userId);
  }

  /** An access token plus the AuthSession that backs it (deleting one ends the other). */
  issueAccessToken(userId: string, clientId: string, parent?: string): string {
    const value = `${this.orgId}!AQ${randomToken(60)}`;
    this.tokens.set(value, {
      kind: "access",
      userId,
      clientId,
      revoked: false,
      ...(parent === undefined ? {} : { parent }),
    });
    const Id = this.newId("0Ak");
    this.sessions.set(Id, {
      Id,
      UsersId: userId,
      SessionType: "Oauth2",
      LoginType: "Remote Access 2.0",
      token: value,
    });
    return value;
  }

  /**
   * A browser session of the user (`SessionType` UI), backed by no token closeloop knows: only
   * deleting its AuthSession ends it. Freezing or deactivating the user leaves it in place (§2.2).
   */
  openUiSession(userId: string): string {
    const Id = this.newId("0Ak");
    this.sessions.set(Id, {
      Id,
      UsersId: userId,
      SessionType: "UI",
      LoginType: "Application",
    });
    return Id;
  }

  issueRefreshToken(userId: string, clientId: string): string {
    const value = `5Aep861${randomToken(80)}`;
    this.tokens.set(value, {
      kind: "refresh",
      userId,
      clientId,
      revoked: false,
    });
    return value;
  }

  /** Revokes a token; a refresh token takes every access token minted from it along (§2.2). */
  revoke(value: string): boolean {
    const token = this.tokens.get(value);
    if (token === undefined || token.revoked) return false;
    const live =
      token.kind === "refresh" ||
      [...this.sessions.values()].some((s) => s.token === value);
    token.revoked = true;
    if (!live) return false;
    for (const [other, record] of this.tokens) {
      if (record.parent === value) this.revoke(other);
    }
    for (const [id, session] of this.sessions) {
      if (session.token === value) this.sessions.delete(id);
    }
    return true;
  }

  /** A live access token: issued, not revoked, its session still there, its user active. */
  accessTokenUser(value: string): SfUser | undefined {
    const token = this.tokens.get(value);
    if (token?.kind !== "access" || token.revoked) return undefined;
    const session = [...this.sessions.values()].some((s) => s.token === value);
    const user = this.users.get(token.userId);
    return session && user?.IsActive === true ? user : undefined;
  }

  #addUser(seed: SalesforceSimSeed["users"][number]): void {
    const Id = this.newId("005");
    this.users.set(Id, {
      Id,
      Username: seed.username,
      Name: seed.username.split("@")[0] ?? seed.username,
      IsActive: seed.active ?? true,
    });
    const loginId = this.newId("0Yw");
    this.userLogins.set(loginId, {
      Id: loginId,
      UserId: Id,
      IsFrozen: seed.frozen ?? false,
    });
    for (const name of seed.permissionSets ?? []) {
      const set = this.permissionSetByName(name);
      if (set === undefined) throw new Error(`seed: no permission set ${name}`);
      const assignmentId = this.newId("0Pa");
      this.assignments.set(assignmentId, {
        Id: assignmentId,
        AssigneeId: Id,
        PermissionSetId: set.Id,
      });
    }
  }
}

function randomToken(length: number): string {
  const bytes = randomBytes(length);
  return [...bytes].map((b) => ID_CHARS[b % ID_CHARS.length]).join("");
}
