import type { SalesforceFaults } from "./faults.js";
import { apiError, jsonResponse, noContent, notFound } from "./responses.js";
import { parseSoql, runSoql, SoqlError } from "./soql.js";
import type { SalesforceState } from "./state.js";

export interface RestContext {
  state: SalesforceState;
  faults: SalesforceFaults;
  /** `/services/data/v62.0` */
  apiPath: string;
}

const UPDATABLE: Record<string, readonly string[]> = {
  User: ["IsActive"],
  UserLogin: ["IsFrozen"],
};

/** Routes under /services/data/vNN.N/ once the bearer token is accepted. */
export async function handleRest(
  ctx: RestContext,
  request: Request,
  rest: string,
): Promise<Response> {
  const url = new URL(request.url);
  if (rest === "" && request.method === "GET") {
    return jsonResponse({
      sobjects: `${ctx.apiPath}/sobjects`,
      query: `${ctx.apiPath}/query`,
      limits: `${ctx.apiPath}/limits`,
    });
  }
  if (rest === "query" && request.method === "GET") {
    try {
      const records = runSoql(
        ctx.state,
        parseSoql(url.searchParams.get("q") ?? ""),
        ctx.apiPath,
      );
      return jsonResponse({ totalSize: records.length, done: true, records });
    } catch (error) {
      if (error instanceof SoqlError)
        return apiError(400, "MALFORMED_QUERY", error.message);
      throw error;
    }
  }
  const match = /^sobjects\/(\w+)(?:\/(\w+))?$/.exec(rest);
  if (match === null) return notFound();
  const [, object = "", id] = match;
  if (id === undefined && request.method === "POST")
    return create(ctx, object, request);
  if (id !== undefined && request.method === "PATCH")
    return update(ctx, object, id, request);
  if (id !== undefined && request.method === "DELETE")
    return remove(ctx, object, id);
  return apiError(
    405,
    "METHOD_NOT_ALLOWED",
    `HTTP Method '${request.method}' not allowed.`,
  );
}

async function update(
  ctx: RestContext,
  object: string,
  id: string,
  request: Request,
): Promise<Response> {
  const table =
    object === "User"
      ? ctx.state.users
      : object === "UserLogin"
        ? ctx.state.userLogins
        : null;
  const record = table?.get(id) as Record<string, unknown> | undefined;
  if (record === undefined) return notFound();
  const fields = (await request.json()) as Record<string, unknown>;
  for (const [field, value] of Object.entries(fields)) {
    if (
      !(UPDATABLE[object] ?? []).includes(field) ||
      typeof value !== "boolean"
    ) {
      return apiError(
        400,
        "INVALID_FIELD_FOR_INSERT_UPDATE",
        `Unable to create/update fields: ${field}.`,
      );
    }
  }
  if (
    object === "User" &&
    fields.IsActive === false &&
    ctx.faults.blockDeactivation
  ) {
    return apiError(
      400,
      "FIELD_INTEGRITY_EXCEPTION",
      "This user is referenced by a workflow field update and can't be deactivated.",
    );
  }
  Object.assign(record, fields);
  return noContent();
}

function remove(ctx: RestContext, object: string, id: string): Response {
  if (object === "AuthSession") {
    return ctx.state.sessions.delete(id) ? noContent() : notFound();
  }
  if (object !== "PermissionSetAssignment") {
    return apiError(
      403,
      "INSUFFICIENT_ACCESS_OR_READONLY",
      "insufficient access rights on object id",
    );
  }
  const assignment = ctx.state.assignments.get(id);
  if (assignment === undefined) return notFound();
  if (
    ctx.state.permissionSets.get(assignment.PermissionSetId)
      ?.IsOwnedByProfile === true
  ) {
    // The profile's own permission set goes with the profile, never alone (§2.2, not verified).
    return apiError(
      400,
      "DELETE_FAILED",
      "Cannot delete a permission set assignment owned by a profile.",
    );
  }
  ctx.state.assignments.delete(id);
  return noContent();
}

async function create(
  ctx: RestContext,
  object: string,
  request: Request,
): Promise<Response> {
  if (object !== "PermissionSetAssignment") {
    return apiError(
      403,
      "INSUFFICIENT_ACCESS_OR_READONLY",
      "insufficient access rights on object",
    );
  }
  const fields = (await request.json()) as {
    AssigneeId?: unknown;
    PermissionSetId?: unknown;
  };
  const assignee = String(fields.AssigneeId);
  const setId = String(fields.PermissionSetId);
  if (!ctx.state.users.has(assignee) || !ctx.state.permissionSets.has(setId)) {
    return apiError(
      400,
      "INVALID_CROSS_REFERENCE_KEY",
      "invalid cross reference id",
    );
  }
  const exists = [...ctx.state.assignments.values()].some(
    (a) => a.AssigneeId === assignee && a.PermissionSetId === setId,
  );
  if (exists)
    return apiError(400, "DUPLICATE_VALUE", "duplicate value found: Assignee");
  const Id = ctx.state.newId("0Pa");
  ctx.state.assignments.set(Id, {
    Id,
    AssigneeId: assignee,
    PermissionSetId: setId,
  });
  return jsonResponse({ id: Id, success: true, errors: [] }, 201);
}
