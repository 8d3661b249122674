/**
 * Where a channel identity holds. An adapter declares `identityScope` ("inbox" by default, the safe
 * choice; "channel" for ids global to their network), the inbox runtime copies it onto the inbox,
 * and identities are stored and looked up by (channel, scope, external id): scope is the inbox name
 * for inbox-scoped ids and "" for global ones. Verified emails and phones are always global. Core
 * never decides this by a channel's name: only the declaration counts.
 */
import type { InboxInfo } from "../plugins/types.ts";
import type { Identity } from "../store/contacts.ts";

/** The scope of identities that hold across a whole channel, and of verified emails and phones. */
export const GLOBAL_SCOPE = "";

/**
 * The scope an inbox's contact ids are stored under.
 *
 * @example
 * identityScopeOf({ name: "shop", channel: "api" });                              // "shop"
 * identityScopeOf({ name: "bot", channel: "telegram", identityScope: "channel" }); // ""
 */
export function identityScopeOf(inbox: Pick<InboxInfo, "name" | "identityScope">): string {
  return inbox.identityScope === "channel" ? GLOBAL_SCOPE : inbox.name;
}

/**
 * The contact's identity that `inbox` knows them by, if any: on its channel and in its scope (an
 * API id from the inbox "shop" is nobody in the inbox "app").
 *
 * @example
 * identityOn(await identitiesOf(db, contact.id), inbox)?.externalId
 */
export function identityOn<I extends Pick<Identity, "channel" | "scope">>(
  identities: I[],
  inbox: Pick<InboxInfo, "name" | "channel" | "identityScope">,
): I | undefined {
  const scope = identityScopeOf(inbox);
  return identities.find((identity) => identity.channel === inbox.channel && identity.scope === scope);
}
