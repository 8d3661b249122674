/**
 * Following core's contact events: `contact.erased` (GDPR) makes the inbox forget everything it
 * keeps about that contact's visitors (their logs, files, ratings) and close their live
 * connections; `contact.merged` points the visitors of the merged contact at the survivor.
 */
import type { WebchatInbox } from "./inbox.ts";

/**
 * Forgets the visitors of an erased contact. Returns how many visitors were forgotten.
 *
 * @example
 * ctx.on("contact.erased", (event) => forgetContact(inbox, event.data.contactId));
 */
export async function forgetContact(inbox: WebchatInbox, contactId: number): Promise<number> {
  const visitors = await inbox.history.visitorsOf(contactId);
  for (const visitorId of visitors) {
    inbox.hub.closeVisitor(visitorId);
    await inbox.csat.forget(await inbox.history.forget(visitorId));
  }
  if (visitors.length > 0) inbox.log.info({ contactId, visitors: visitors.length }, "webchat forgot an erased contact's visitors");
  return visitors.length;
}

/** After a merge, the merged contact's visitors belong to the survivor. */
export async function contactMerged(inbox: WebchatInbox, survivorId: number, mergedId: number): Promise<void> {
  for (const visitorId of await inbox.history.visitorsOf(mergedId)) {
    await inbox.history.updateVisitor(visitorId, (record) => ({ ...record, contactId: survivorId }));
  }
}
