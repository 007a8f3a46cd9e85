import { z } from "zod";
import type { SalesforceAdminClient } from "./client.js";
import { SalesforceTargetError } from "./errors.js";

export const userSchema = z.object({
  Id: z.string(),
  Username: z.string(),
  IsActive: z.boolean(),
});
export type UserRecord = z.infer<typeof userSchema>;

export const userLoginSchema = z.object({
  Id: z.string(),
  IsFrozen: z.boolean(),
});
export const idSchema = z.object({ Id: z.string() });

export const assignmentSchema = z.object({
  Id: z.string(),
  PermissionSetId: z.string(),
  PermissionSet: z.object({
    Name: z.string(),
    IsOwnedByProfile: z.boolean(),
  }),
});
export type AssignmentRecord = z.infer<typeof assignmentSchema>;

export const permissionSetSchema = z.object({
  Id: z.string(),
  Name: z.string(),
  IsOwnedByProfile: z.boolean(),
});

const USER_ID = /^005[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$/;

/** A SOQL string literal: backslash and quote escaped (SOQL "Quoted String Escape Sequences"). */
export function soqlString(value: string): string {
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/** The principal as the plan names it: a user Id (`005…`) or a username. */
export async function findUser(
  client: SalesforceAdminClient,
  principal: string,
  targetId: string,
): Promise<UserRecord> {
  const field = USER_ID.test(principal) ? "Id" : "Username";
  const rows = await client.query(
    `SELECT Id, Username, IsActive FROM User WHERE ${field} = ${soqlString(principal)}`,
    userSchema,
  );
  const user = rows[0];
  if (user === undefined) {
    throw new SalesforceTargetError(
      "SALESFORCE_USER_NOT_FOUND",
      `target ${targetId}: no user ${principal}; check the identity rules for this finding`,
      { details: { principal } },
    );
  }
  return user;
}

export async function findUserLogin(
  client: SalesforceAdminClient,
  userId: string,
  targetId: string,
): Promise<z.infer<typeof userLoginSchema>> {
  const rows = await client.query(
    `SELECT Id, IsFrozen FROM UserLogin WHERE UserId = ${soqlString(userId)}`,
    userLoginSchema,
  );
  const login = rows[0];
  if (login === undefined) {
    throw new SalesforceTargetError(
      "SALESFORCE_USER_LOGIN_NOT_FOUND",
      `target ${targetId}: user ${userId} has no UserLogin row to freeze`,
      { details: { userId } },
    );
  }
  return login;
}

export function findSessions(
  client: SalesforceAdminClient,
  userId: string,
): Promise<{ Id: string }[]> {
  return client.query(
    `SELECT Id FROM AuthSession WHERE UsersId = ${soqlString(userId)}`,
    idSchema,
  );
}

export function findAssignments(
  client: SalesforceAdminClient,
  userId: string,
): Promise<AssignmentRecord[]> {
  return client.query(
    "SELECT Id, PermissionSetId, PermissionSet.Name, PermissionSet.IsOwnedByProfile " +
      `FROM PermissionSetAssignment WHERE AssigneeId = ${soqlString(userId)}`,
    assignmentSchema,
  );
}

/** The plan's comma-separated permission-set names or Ids. */
export function permissionSetsOf(param: unknown): string[] {
  if (typeof param !== "string") return [];
  return param
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");
}

export function matchesPermissionSet(
  a: AssignmentRecord,
  ref: string,
): boolean {
  return a.PermissionSet.Name === ref || a.PermissionSetId === ref;
}
