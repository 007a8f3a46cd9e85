import { afterEach, describe, expect, it } from "vitest";
import type { PlannedAction } from "../../../src/domain/plan.js";
import type { SimWorkflow } from "../../../src/sandbox/jira/model.js";
import type {
  ActionResult,
  TargetContext,
} from "../../../src/targets/types.js";
import { FakeTarget } from "../../helpers/fakes/fake-target.js";
import { makeRecord } from "../../helpers/fakes/findings.js";
import { RealItsmHarness } from "./real-itsm.js";

/** A target whose first action is accompanied by a person's edit of the ticket. */
class TouchingTarget extends FakeTarget {
  onExecute: () => void = () => undefined;

  override execute(
    action: PlannedAction,
    ctx: TargetContext,
  ): Promise<ActionResult> {
    if (action.id === "a1") this.onExecute();
    return super.execute(action, ctx);
  }
}

async function ticketOf(h: RealItsmHarness, fp: string) {
  const [ticket] = await h.store.listTickets(fp);
  return ticket!;
}

/** The text of every comment on the issue, ADF flattened. */
function comments(h: RealItsmHarness, id: string): string[] {
  const texts = (node: unknown): string => {
    if (typeof node !== "object" || node === null) return "";
    const { text, content } = node as { text?: unknown; content?: unknown };
    const own = typeof text === "string" ? text : "";
    return own + (Array.isArray(content) ? content.map(texts).join("") : "");
  };
  return (h.jira.findIssue(id)?.comments ?? []).map((c) => texts(c.body));
}

/** Transition ids closeloop posted on the issue, in order. */
function posted(h: RealItsmHarness, id: string): string[] {
  return h.jira.requests
    .filter((r) => r.method === "POST" && r.path.endsWith(`/${id}/transitions`))
    .map((r) => (r.json as { transition: { id: string } }).transition.id);
}

const statusOf = (h: RealItsmHarness, id: string) =>
  h.jira.findIssue(id)!.statusId;

describe("a Jira workflow with no way to done at close (BR-18, engine)", () => {
  let h: RealItsmHarness;
  afterEach(async () => h.dispose());

  it("stops remediated with the ticket open, the reason in status, and posts the note once", async () => {
    const target = new TouchingTarget();
    h = await new RealItsmHarness(
      ["jira"],
      undefined,
      {},
      { targets: [target] },
      { closePath: undefined },
    ).start();
    const rec = makeRecord("no-close");
    const fp = rec.finding.fingerprint;
    await h.engine.ingest([rec]);
    await h.settle();
    const id = (await ticketOf(h, fp)).ref!.id;
    const toDo = h.jira.project("SEC")!.workflow.initial;
    // A person puts the issue back to To Do while the work runs: only In Progress and
    // Exception lead on from there, and no configured path goes on to done.
    target.onExecute = () => {
      h.jira.findIssue(id)!.statusId = toDo;
    };
    expect(h.jira.decideApproval(id, "cab.alice", "approve")).toBeNull();
    await h.settle();
    const postedAtStop = posted(h, id);
    // Later passes, and a person's comment that wakes the finding, change nothing.
    h.jira.findIssue(id)!.comments.push({
      id: "c-person",
      body: "looking at it",
      author: h.jira.users[1]!,
      created: Date.now(),
    });
    h.jira.findIssue(id)!.updated = Date.now();
    await h.settle();

    const reason =
      "remediated, ticket open: NO_CLOSE_TRANSITION; available transitions: In Progress, Exception";
    const record = await h.store.getFinding(fp);
    const [row] = await h.engine.status();
    const ticket = await ticketOf(h, fp);
    expect(record?.state).toBe("evidence");
    expect(record?.reason).toBe(reason);
    expect(row).toMatchObject({ state: "evidence", reason });
    expect(row?.tickets[0]?.key).toBe(ticket.ref!.key);
    expect(ticket.lifecycle).toBe("open");
    expect(statusOf(h, id)).toBe(toDo);
    // Verified and attached: the probe said invalid, the document is on the issue.
    const intents = await h.store.listIntents(fp, record!.cycle);
    expect(
      intents
        .filter((i) => i.kind === "probe")
        .map((i) => i.output?.["answer"]),
    ).toEqual(["invalid"]);
    expect(h.jira.findIssue(id)!.attachments).toHaveLength(1);
    expect(
      comments(h, id).filter((c) => c.includes("closeloop: verified revoked")),
    ).toHaveLength(1);
    // Only the start of work was posted: never a transition the list did not offer.
    expect(postedAtStop).toEqual(["5011"]);
    expect(posted(h, id)).toEqual(["5011"]);
    expect(h.logger.events().filter((e) => e === "step.failed")).toEqual([]);
    expect(
      h.logger.lines.filter((l) => l.event === "ticket.close_blocked"),
    ).toHaveLength(1);

    // A person closes it by hand: the finding closes on its next look, with no second note.
    const done = h.jira
      .project("SEC")!
      .workflow.statuses.find((s) => s.category === "done")!;
    h.jira.findIssue(id)!.statusId = done.id;
    h.jira.findIssue(id)!.updated = Date.now();
    await h.settle();

    expect((await h.store.getFinding(fp))?.state).toBe("closed");
    expect((await ticketOf(h, fp)).lifecycle).toBe("closed");
    expect(
      comments(h, id).filter((c) => c.includes("closeloop: verified revoked")),
    ).toHaveLength(1);
  });

  it("stops with the reason when the path needs more hops than the configured maximum", async () => {
    h = await new RealItsmHarness(
      ["jira"],
      undefined,
      {},
      {},
      { closePath: ["41", "51"], maxCloseHops: 1 },
    ).start();
    const longWay: SimWorkflow = {
      name: "long-way",
      initial: "10000",
      statuses: [
        { id: "10000", name: "To Do", category: "new" },
        { id: "10206", name: "In Progress", category: "indeterminate" },
        { id: "10300", name: "Review", category: "indeterminate" },
        { id: "10301", name: "QA", category: "indeterminate" },
        { id: "10001", name: "Done", category: "done" },
      ],
      transitions: [
        { id: "5011", name: "In Progress", from: ["10000"], to: "10206" },
        { id: "41", name: "Review", from: ["10206"], to: "10300" },
        { id: "51", name: "QA", from: ["10300"], to: "10301" },
        { id: "31", name: "Resolve", from: ["10301"], to: "10001" },
      ].map((t) => ({ ...t, hasScreen: false, resolutionOnScreen: false })),
    };
    h.jira.project("SEC")!.workflow = longWay;
    const rec = makeRecord("too-many-hops");
    const fp = rec.finding.fingerprint;
    await h.engine.ingest([rec]);
    await h.settle();
    const id = (await ticketOf(h, fp)).ref!.id;
    expect(h.jira.decideApproval(id, "cab.alice", "approve")).toBeNull();
    await h.settle();

    const record = await h.store.getFinding(fp);
    expect(record?.state).toBe("evidence");
    expect(record?.reason).toBe(
      "remediated, ticket open: NO_CLOSE_TRANSITION; available transitions: QA; " +
        "stopped after 1 hop(s), the configured maximum",
    );
    // Start of work, one hop of the path, then nothing: the second hop is past the maximum.
    expect(posted(h, id)).toEqual(["5011", "41"]);
    expect((await ticketOf(h, fp)).lifecycle).toBe("open");
  });
});
