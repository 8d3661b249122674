/**
 * Two verified identities of one email or phone are one person, by our own rule: when a contact
 * verifies an email or phone that another contact already holds verified (a widget visitor who
 * proves the address an email customer writes from), the two contacts are merged. The older contact
 * stays; the merge is audited with its reason and can be undone like any merge (unmerge.ts).
 */
import type { EventBus } from "../events/bus.ts";
import type { SwitchboardEvent } from "../events/types.ts";
import { findContact } from "../store/contacts.ts";
import type { Tx } from "../store/index.ts";
import type { Signal } from "./identify.ts";
import { actorRef, mergeContactsIn } from "./merge-in.ts";

/** Switchboard itself (conversations/update.ts SYSTEM_ACTOR, not imported: the inbound pipeline must not depend on services). */
const SYSTEM_ACTOR = { id: null, name: "Switchboard" };

export interface VerifiedJoin {
  /** The contact who holds everything now. */
  contactId: number;
  /** Records `contact.merged` for each join in the same transaction; announce them after the commit. */
  record: (bus: EventBus) => Promise<SwitchboardEvent[]>;
}

/**
 * Joins `contactId` with every contact that holds one of `signals` verified (`signal.heldBy`),
 * inside the caller's transaction.
 *
 * @example
 * const joined = await joinVerifiedHolders(tx, contact.id, signals, now);
 * const events = await joined.record(bus);
 * // after the commit:
 * bus.announce(...events);
 */
export async function joinVerifiedHolders(tx: Tx, contactId: number, signals: Signal[], now: number): Promise<VerifiedJoin> {
  let current = contactId;
  const merges: { survivorId: number; mergedId: number; mergeId: number }[] = [];
  for (const signal of signals) {
    if (signal.heldBy === undefined || signal.heldBy === current || !(await findContact(tx, signal.heldBy))) continue;
    const [survivorId, mergedId] = signal.heldBy < current ? [signal.heldBy, current] : [current, signal.heldBy];
    const { mergeId } = await mergeContactsIn(tx, SYSTEM_ACTOR, survivorId, mergedId, { reason: `verified_${signal.kind}` }, now);
    merges.push({ survivorId, mergedId, mergeId });
    current = survivorId;
  }
  return {
    contactId: current,
    record: async (bus) => {
      const events: SwitchboardEvent[] = [];
      for (const m of merges) events.push(await bus.record(tx, "contact.merged", { ...m, actor: actorRef(SYSTEM_ACTOR) }));
      return events;
    },
  };
}
