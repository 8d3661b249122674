/**
 * The identity part of `switchboard doctor`: identities still waiting for their inbox (re-scoped at
 * the next start), and every contact who holds one external id from two inboxes of an inbox-scoped
 * channel (two customers the old identity rule made one), each with the command that splits it.
 * Reads only.
 */
import { inboxScopedChannels, pendingRescopes, type ScopedInbox } from "../contacts/identity-rescope.ts";
import { sharedIdentities, splitCommand } from "../contacts/shared-identities.ts";
import type { Queryable } from "../store/index.ts";

/** At most this many damaged contacts are listed one by one. */
const MAX_LISTED = 20;

export interface IdentityCheck {
  state: "ok" | "warn" | "fail";
  label: string;
  detail: string;
}

/**
 * The check lines about identities.
 *
 * @example
 * for (const line of await identityChecks(store.db, switchboard.inboxes.list())) report[line.state](line.label, line.detail);
 */
export async function identityChecks(db: Queryable, inboxes: ScopedInbox[]): Promise<IdentityCheck[]> {
  const { channels, mixed } = inboxScopedChannels(inboxes);
  const checks: IdentityCheck[] = [];
  for (const channel of mixed) {
    checks.push({
      state: "warn",
      label: `identities (${channel})`,
      detail: `the inboxes of the ${channel} channel declare different identity scopes, so its old identities cannot be re-scoped; give them all the same identityScope`,
    });
  }
  const pending = await pendingRescopes(db, channels);
  if (pending.length > 0) {
    checks.push({
      state: "warn",
      label: "identities",
      detail: `${pending.length} identities of inbox-scoped channels (${channels.join(", ")}) still wait for their inbox; \`switchboard start\` re-scopes them`,
    });
  }
  const shared = await sharedIdentities(db, channels);
  for (const one of shared.slice(0, MAX_LISTED)) {
    checks.push({
      state: "fail",
      label: `contact ${one.contactId}`,
      detail: `holds the ${one.channel} id "${one.externalId}" from the inboxes ${one.inboxes.join(", ")}, which are different customers. Fix: ${splitCommand(one)}`,
    });
  }
  if (shared.length > MAX_LISTED)
    checks.push({
      state: "fail",
      label: "contacts",
      detail: `${shared.length - MAX_LISTED} more contacts hold one id from two inboxes; split the ones above, then run doctor again`,
    });
  if (shared.length === 0) checks.push({ state: "ok", label: "identities", detail: "no contact holds one id from two inboxes" });
  return checks;
}
