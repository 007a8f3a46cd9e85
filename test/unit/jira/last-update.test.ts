import { describe, expect, it } from "vitest";
import { lastUpdate } from "../../../src/itsm/jira/last-update.js";
import { issueSchema } from "../../../src/itsm/jira/schema.js";

const BOT = "712020:closeloop-bot";
const ALICE = "712020:cab-alice";

function issue(fields: Record<string, unknown>, histories: unknown[] = []) {
  return issueSchema.parse({
    id: "10001",
    key: "SEC-1",
    fields: {
      created: "2026-05-04T09:00:00.000+0000",
      creator: { accountId: BOT },
      ...fields,
    },
    changelog: { histories },
  });
}

describe("lastUpdate", () => {
  it("names closeloop when its own creation is the latest write", () => {
    const change = lastUpdate(
      issue({ updated: "2026-05-04T09:00:00.000+0000" }),
      BOT,
    );

    expect(change).toEqual({
      id: "10001",
      updatedBy: BOT,
      byOwnUser: true,
      updatedAt: "2026-05-04T09:00:00.000Z",
      version: "2026-05-04T09:00:00.000+0000",
    });
  });

  it("names the author of the newest changelog history or comment", () => {
    const change = lastUpdate(
      issue(
        {
          updated: "2026-05-04T09:05:00.000+0000",
          comment: {
            comments: [
              {
                author: { accountId: BOT },
                created: "2026-05-04T09:01:00.000+0000",
              },
            ],
          },
        },
        [
          {
            id: "1",
            author: { accountId: ALICE },
            created: "2026-05-04T09:05:00.000+0000",
            items: [{ field: "status", to: "10206" }],
          },
        ],
      ),
      BOT,
    );

    expect(change).toMatchObject({ updatedBy: ALICE, byOwnUser: false });
  });

  it("leaves the updater unknown when no authored write is as new as `updated`", () => {
    // A JSM approval decision changes `updated` without a history entry of its own.
    const change = lastUpdate(
      issue({ updated: "2026-05-04T09:07:00.000+0000" }),
      BOT,
    );

    expect(change.updatedBy).toBeUndefined();
    expect(change.byOwnUser).toBeUndefined();
  });
});
