/**
 * Merging two contacts (a person known twice), as one write transaction of its own: the merge
 * itself (merge-in.ts) and `contact.merged`, recorded with it and announced after the commit.
 */
import type { Actor } from "../conversations/update.ts";
import type { Services } from "../services.ts";
import { actorRef, type MergeOptions, type MergeResult, mergeContactsIn } from "./merge-in.ts";

export { actorRef, type MergeOptions, type MergeResult, mergeContactsIn } from "./merge-in.ts";

/**
 * Merges contact `mergedId` into `survivorId`. Throws SWB_ERR_NOT_FOUND for an unknown contact and
 * SWB_ERR_VALIDATION for the same contact twice.
 *
 * @example
 * const { mergeId } = await mergeContacts(switchboard, agent, 3, 7); // #7's conversations now belong to #3
 * await undoMerge(switchboard, agent, mergeId);                      // and back
 */
export async function mergeContacts(
  sb: Pick<Services, "store" | "clock" | "bus">,
  actor: Actor,
  survivorId: number,
  mergedId: number,
  options: MergeOptions = {},
): Promise<MergeResult> {
  const now = sb.clock.now();
  const { result, event } = await sb.store.write(async (tx) => {
    const result = await mergeContactsIn(tx, actor, survivorId, mergedId, options, now);
    return {
      result,
      event: await sb.bus.record(tx, "contact.merged", { survivorId, mergedId, actor: actorRef(actor), mergeId: result.mergeId }),
    };
  });
  sb.bus.announce(event);
  return result;
}
