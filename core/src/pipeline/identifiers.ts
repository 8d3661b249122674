/**
 * What enrichment hooks are given about the sender: the contact (if known) and every identifier
 * they are known by — channel identities (with their inbox when inbox-scoped), verified and
 * unverified emails and phones — plus what this message says, deduplicated.
 */

import { eq } from "drizzle-orm";
import { identityScopeOf } from "../contacts/identity-scope.ts";
import type { ContactIdentifier, ContactSnapshot, ConversationSnapshot, EnrichInput, InboundMessage, InboxInfo } from "../plugins/types.ts";
import { type Contact, identitiesOf } from "../store/contacts.ts";
import type { Queryable } from "../store/index.ts";
import { identityClaims } from "../store/schema.ts";

/**
 * Builds an enrichment hook's input.
 *
 * @example
 * const input = await enrichInput(store.db, inbox, message, contact, contactSnapshot, conversationSnapshot);
 */
export async function enrichInput(
  db: Queryable,
  inbox: InboxInfo,
  message: InboundMessage,
  contact: Contact | undefined,
  contactSnapshot: ContactSnapshot,
  conversation: ConversationSnapshot,
): Promise<EnrichInput> {
  const found: ContactIdentifier[] = [];
  const add = (kind: string, value: string | null | undefined, verified: boolean, scope = "") => {
    if (!value) return;
    const existing = found.find((i) => i.kind === kind && i.value === value && (i.inbox ?? "") === scope);
    if (existing) existing.verified ||= verified;
    else found.push({ kind, value, verified, ...(scope ? { inbox: scope } : {}) });
  };
  const verified = message.contact.verified ?? false;
  add(inbox.channel, message.contact.externalId, verified, identityScopeOf(inbox));
  add("email", message.contact.email, verified);
  add("phone", message.contact.phone, verified);
  if (contact) {
    for (const identity of await identitiesOf(db, contact.id))
      add(identity.channel, identity.externalId, identity.verified, identity.scope);
    for (const claim of await db.select().from(identityClaims).where(eq(identityClaims.contactId, contact.id))) {
      if (claim.kind === "email" || claim.kind === "phone") add(claim.kind, claim.value, false);
    }
    add("email", contact.email, false);
    add("phone", contact.phone, false);
  }
  return { contact: contactSnapshot, identifiers: found, conversation, message };
}
