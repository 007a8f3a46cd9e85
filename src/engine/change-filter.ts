import type { TicketChange } from "../itsm/types.js";

/** Versions remembered before the memory is dropped; a restart drops it too, harmlessly. */
const MAX_REMEMBERED = 100_000;

/**
 * Which tickets of a change query wake their findings. Two kinds of report wake nobody:
 *
 * - closeloop's own echo (`byOwnUser`), so no update of its own ricochets back as a read
 *   (PRODUCT §11). This is safe because closeloop never writes to a ticket after asking for
 *   approval without reading the approval again afterwards (a blocked note schedules that read):
 *   a person's change hidden under a later write of closeloop's is seen by that read, and before
 *   the request there is no approval to miss. An updater the ITSM does not name counts as a person.
 * - a version already reported: the cursor's overlap reports the same update again
 *   (reference/servicenow.md §8: deduplicate on `sys_id` + `sys_mod_count`).
 */
export class ChangeFilter {
  readonly #versions = new Map<string, string>();

  /** The ids to wake, and a commit to call once they are recorded. */
  waking(
    instance: string,
    changed: { ids: string[]; changes?: TicketChange[] },
  ): { ids: string[]; commit: () => void } {
    if (changed.changes === undefined) {
      return { ids: changed.ids, commit: () => undefined };
    }
    const fresh = changed.changes.filter(
      (c) =>
        c.version === undefined ||
        this.#versions.get(`${instance}/${c.id}`) !== c.version,
    );
    return {
      ids: fresh.filter((c) => c.byOwnUser !== true).map((c) => c.id),
      commit: () => {
        if (this.#versions.size > MAX_REMEMBERED) this.#versions.clear();
        for (const c of fresh) {
          if (c.version !== undefined)
            this.#versions.set(`${instance}/${c.id}`, c.version);
        }
      },
    };
  }
}
