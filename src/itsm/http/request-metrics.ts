/**
 * Where an ITSM client reports each HTTP request it made: `/metrics` counts them per instance and
 * status, and the 429s apart. `Metrics` (src/http/metrics.ts) has this shape.
 */
export interface ItsmRequestMetrics {
  /** `status` is the HTTP status, or `error` when no response came back. */
  itsmRequest(instance: string, status: number | "error"): void;
}

/** A reporter bound to one instance; a no-op without metrics. */
export function requestReporter(
  metrics: ItsmRequestMetrics | undefined,
  instance: string,
): (status: number | "error") => void {
  if (metrics === undefined) return () => undefined;
  return (status) => metrics.itsmRequest(instance, status);
}
