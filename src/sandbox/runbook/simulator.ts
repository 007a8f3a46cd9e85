import { http } from "msw";
import type { HttpHandler } from "msw";
import { html } from "../page/html.js";

export interface RunbookSimJob {
  id: number;
  path: string;
  idempotencyKey: string;
  polls: number;
}

export interface RunbookSimulatorOptions {
  baseUrl: string;
  /** Status polls a job answers `running` before it ends. */
  runningPolls?: number;
  /** The terminal status every job ends in. */
  finalStatus?: string;
  /** Called when a job ends with `succeeded` (e.g. to kill the simulated credential). */
  onSucceeded?: (job: RunbookSimJob) => void;
}

export interface RunbookSimulator {
  name: string;
  jobs: RunbookSimJob[];
  /** Whether the credential behind the probe URL still works. */
  credential: { alive: boolean };
  handle(request: Request): Promise<Response | null>;
  handlers(): HttpHandler[];
  renderSection(): string;
}

/**
 * A runbook service following the contract of targets.md §5.3: `POST <launch>` with an
 * Idempotency-Key answers 202 and a status URL; `GET /jobs/{id}` answers the status. `GET /probe`
 * stands for the system the job acts on: 200 while the credential lives, 401 after.
 */
export function createRunbookSimulator(
  options: RunbookSimulatorOptions,
): RunbookSimulator {
  const base = options.baseUrl.replace(/\/$/, "");
  const jobs: RunbookSimJob[] = [];
  const credential = { alive: true };

  function status(job: RunbookSimJob): string {
    job.polls += 1;
    if (job.polls <= (options.runningPolls ?? 1)) return "running";
    const final = options.finalStatus ?? "succeeded";
    if (final === "succeeded") {
      credential.alive = false;
      options.onSucceeded?.(job);
    }
    return final;
  }

  function handle(request: Request): Promise<Response | null> {
    return Promise.resolve(answer(request));
  }

  function answer(request: Request): Response | null {
    // Paths, not hosts: served over HTTP the port is known only once the server listens.
    const basePath = new URL(base).pathname.replace(/\/$/, "");
    const fullPath = new URL(request.url).pathname;
    if (!fullPath.startsWith(`${basePath}/`)) return null;
    const path = fullPath.slice(basePath.length);

    if (request.method === "GET" && path === "/probe") {
      return new Response(null, { status: credential.alive ? 200 : 401 });
    }
    const jobPath = /^\/jobs\/(\d+)\/?$/.exec(path);
    if (request.method === "GET" && jobPath !== null) {
      const job = jobs.find((j) => j.id === Number(jobPath[1]));
      if (job === undefined)
        return Response.json({ detail: "Not found." }, { status: 404 });
      return Response.json({
        id: job.id,
        status: status(job),
        evidence: { runbook: job.path },
      });
    }
    if (request.method === "POST") {
      const key = request.headers.get("idempotency-key") ?? "";
      let job = jobs.find((j) => key !== "" && j.idempotencyKey === key);
      if (job === undefined) {
        job = { id: jobs.length + 1, path, idempotencyKey: key, polls: 0 };
        jobs.push(job);
      }
      const statusUrl = `${base}/jobs/${job.id}/`;
      return Response.json(
        { job: job.id, statusUrl },
        { status: 202, headers: { Location: statusUrl } },
      );
    }
    return null;
  }

  const handlers = (): HttpHandler[] => [
    http.all(
      `${base}/*`,
      async ({ request }) =>
        (await handle(request)) ?? new Response(null, { status: 404 }),
    ),
  ];
  const renderSection = (): string => {
    const rows = jobs.map(
      (job) =>
        html`<tr>
          <td>${job.id}</td>
          <td>${job.path}</td>
          <td>${job.polls}</td>
        </tr>`,
    );
    return html`<section>
      <h2>Runbook service (simulated)</h2>
      <p>credential alive: ${credential.alive ? "yes" : "no"}</p>
      <table>
        <tr>
          <th>job</th>
          <th>launched</th>
          <th>polls</th>
        </tr>
        ${rows}
      </table>
    </section>`.value;
  };
  return { name: "runbook", jobs, credential, handle, handlers, renderSection };
}
