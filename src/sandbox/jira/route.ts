import type { JiraSimulator } from "./simulator.js";

export interface RouteContext {
  sim: JiraSimulator;
  request: Request;
  url: URL;
  match: RegExpExecArray;
  /** The parsed JSON body, when the request had one. */
  json: unknown;
  /** Origin used for `self` links. */
  base: string;
}

export interface Route {
  method: string;
  pattern: RegExp;
  handle(context: RouteContext): Promise<Response> | Response;
}

/** The path's first group is the REST version (`2` or `3`). */
export function apiVersion(context: RouteContext): string {
  return context.match[1] ?? "3";
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
