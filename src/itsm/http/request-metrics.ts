import axios, { AxiosError } from "axios";
import type { AxiosAdapter } from "axios";

/**
 * Where an ITSM client reports each HTTP request it made: `/metrics` counts them per instance,
 * method and status, and the 429s apart. `Metrics` (src/http/metrics.ts) has this shape.
 */
export interface ItsmRequestMetrics {
  /** `status` is the HTTP status, or `error` when no response came back. */
  itsmRequest(instance: string, method: string, status: number | "error"): void;
}

/** Told the method and status of one HTTP request. */
export type RequestReport = (method: string, status: number | "error") => void;

/** A reporter bound to one instance; a no-op without metrics. */
export function requestReporter(
  metrics: ItsmRequestMetrics | undefined,
  instance: string,
): RequestReport {
  if (metrics === undefined) return () => undefined;
  return (method, status) => metrics.itsmRequest(instance, method, status);
}

/**
 * An axios adapter that reports every request once, as it leaves axios: retries and token
 * requests count one each, and a status is reported whether axios resolves or rejects it.
 * `base` is the adapter to wrap (axios's own by default).
 */
export function countingAdapter(
  report: RequestReport,
  base: AxiosAdapter = axios.getAdapter(axios.defaults.adapter),
): AxiosAdapter {
  return async (request) => {
    const method = (request.method ?? "get").toUpperCase();
    try {
      const response = await base(request);
      report(method, response.status);
      return response;
    } catch (error) {
      const status =
        error instanceof AxiosError ? error.response?.status : undefined;
      report(method, status ?? "error");
      throw error;
    }
  };
}
