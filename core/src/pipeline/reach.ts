/**
 * Which inboxes a reply can reach a contact on. The conversation's own inbox always can. Another
 * inbox can when the contact has an identity on its channel in its scope (an API id from another
 * inbox is somebody else), or when the channel reaches contacts
 * at a field of their record that the contact has (`ChannelAdapter.reachesBy`: their email
 * address, their phone number). The composer's channel list and the outbound pipeline's check (the
 * inbox form, the REST API, plugins, automations) all use this one rule.
 */
import { identityOn } from "../contacts/identity-scope.ts";
import type { ChannelAdapter, ContactReachField, IdentityScope } from "../plugins/types.ts";
import type { Contact, Identity } from "../store/contacts.ts";

/** An inbox as this rule needs it. */
export interface ReachingInbox {
  name: string;
  channel: string;
  identityScope?: IdentityScope;
  adapter: Pick<ChannelAdapter, "reachesBy"> | undefined;
}

const FIELD_WORDS: Record<ContactReachField, string> = { email: "email address", phone: "phone number" };

/**
 * Whether `inbox` can reach the contact: by an identity on its channel and in its scope, or at a contact field
 * its channel declares in `reachesBy`.
 *
 * @example
 * canReach(sb.inboxes.get("mail")!, contact, await identitiesOf(db, contact.id)); // true when the contact has an email and the channel reachesBy ["email"]
 */
export function canReach(
  inbox: ReachingInbox,
  contact: Pick<Contact, "email" | "phone">,
  identities: Pick<Identity, "channel" | "scope">[],
): boolean {
  if (identityOn(identities, inbox)) return true;
  return (inbox.adapter?.reachesBy ?? []).some((field) => Boolean(contact[field]?.trim()));
}

/**
 * Why `inbox` cannot reach the contact, and what would fix it, for error messages.
 *
 * @example
 * unreachableReason({ name: "mail", channel: "email", adapter: { reachesBy: ["email"] } });
 * // 'The contact has no email identity and no email address, so the inbox "mail" cannot reach them. Add an email address to the contact, or reply on another inbox.'
 */
export function unreachableReason(inbox: ReachingInbox): string {
  const fields = (inbox.adapter?.reachesBy ?? []).map((field) => FIELD_WORDS[field]);
  if (fields.length === 0) return `The contact has no ${inbox.channel} identity, so the inbox "${inbox.name}" cannot reach them.`;
  const wanted = fields.join(" or ");
  return `The contact has no ${inbox.channel} identity and no ${wanted}, so the inbox "${inbox.name}" cannot reach them. Add ${/^[aeiou]/.test(wanted) ? "an" : "a"} ${wanted} to the contact, or reply on another inbox.`;
}
