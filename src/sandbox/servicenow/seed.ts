import { CAB_GROUP_NAME } from "./approval-rules.js";
import type { SnStore } from "./store.js";

export interface SeedUser {
  user_name: string;
  name: string;
  password: string;
  groups: string[];
}

export const INTEGRATION_USER = "closeloop.integration";
export const DEFAULT_SANDBOX_PASSWORD = "sandbox-only-password";

/** The sandbox's people: closeloop's own user, two CAB members, and an admin. */
export function defaultUsers(password: string): SeedUser[] {
  return [
    {
      user_name: INTEGRATION_USER,
      name: "closeloop integration",
      password,
      groups: ["IAM Operations"],
    },
    {
      user_name: "cab.alice",
      name: "Alice Approver",
      password,
      groups: [CAB_GROUP_NAME],
    },
    {
      user_name: "cab.bob",
      name: "Bob Approver",
      password,
      groups: [CAB_GROUP_NAME],
    },
    { user_name: "admin", name: "System Administrator", password, groups: [] },
  ];
}

/** Creates users, groups and memberships; returns passwords by user_name for basic auth. */
export function seed(store: SnStore, users: SeedUser[]): Map<string, string> {
  const passwords = new Map<string, string>();
  const groups = new Map<string, string>();
  const groupId = (name: string): string => {
    const known = groups.get(name);
    if (known !== undefined) return known;
    const created = store.insert(
      "sys_user_group",
      { name, description: `${name} (sandbox)`, active: "true" },
      "system",
    );
    groups.set(name, created.sys_id ?? "");
    return created.sys_id ?? "";
  };
  groupId(CAB_GROUP_NAME);

  for (const user of users) {
    const created = store.insert(
      "sys_user",
      {
        user_name: user.user_name,
        name: user.name,
        email: `${user.user_name}@sandbox.invalid`,
        active: "true",
      },
      "system",
    );
    passwords.set(user.user_name, user.password);
    for (const group of user.groups) {
      store.insert(
        "sys_user_grmember",
        { user: created.sys_id ?? "", group: groupId(group) },
        "system",
      );
    }
  }
  return passwords;
}
