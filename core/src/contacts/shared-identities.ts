/**
 * The damage of the old identity rule: before channels declared `identityScope`, two inboxes of an
 * inbox-scoped channel that sent the same contact id (two shops, both with a customer "42") wrote
 * into one contact. After re-scoping (identity-rescope.ts) such a contact holds that id once per
 * inbox. `switchboard doctor` lists them with the command that splits them (split.ts).
 */
import { sql } from "drizzle-orm";
import type { Queryable } from "../store/index.ts";
import { pendingRescopes } from "./identity-rescope.ts";

/** A contact who holds one external id of a channel from several inboxes. */
export interface SharedIdentity {
  contactId: number;
  channel: string;
  externalId: string;
  /** The inboxes it came from: first the one it was first seen in (which keeps the contact), then the others by name. */
  inboxes: string[];
}

/**
 * Contacts who hold the same external id from two or more inboxes: as stored, and as they will be
 * once the identities still waiting for their inbox are re-scoped (on `channels`, the inbox-scoped
 * ones). Reads only.
 *
 * @example
 * await sharedIdentities(store.db, ["api"]) // [{ contactId: 7, channel: "api", externalId: "42", inboxes: ["app", "shop"] }]
 */
export async function sharedIdentities(db: Queryable, channels: string[]): Promise<SharedIdentity[]> {
  const stored = await db.all<{ contact_id: number; channel: string; external_id: string; scope: string; source: string | null }>(
    sql`SELECT i.contact_id, i.channel, i.external_id, i.scope, i.source FROM identities i
      JOIN (SELECT contact_id, channel, external_id FROM identities WHERE scope <> '' GROUP BY contact_id, channel, external_id HAVING count(*) > 1) d
        ON d.contact_id = i.contact_id AND d.channel = i.channel AND d.external_id = i.external_id
      WHERE i.scope <> ''`,
  );
  const groups = new Map<string, SharedIdentity & { first?: string }>();
  for (const r of stored) {
    const key = JSON.stringify([r.contact_id, r.channel, r.external_id]);
    const group = groups.get(key) ?? {
      contactId: Number(r.contact_id),
      channel: String(r.channel),
      externalId: String(r.external_id),
      inboxes: [],
    };
    if (r.source === `inbox:${r.scope}`) group.first = r.scope;
    else group.inboxes.push(r.scope);
    groups.set(key, group);
  }
  const found = [...groups.values()].map(({ first, ...group }) => ({
    ...group,
    inboxes: [...(first ? [first] : []), ...group.inboxes.sort()],
  }));
  const pending = (await pendingRescopes(db, channels)).filter((p) => p.inboxes.length > 1);
  return [...found, ...pending].sort(
    (a, b) => a.contactId - b.contactId || a.channel.localeCompare(b.channel) || a.externalId.localeCompare(b.externalId),
  );
}

/**
 * The `switchboard` commands that give each inbox but the first its own contact.
 *
 * @example
 * splitCommand({ contactId: 7, channel: "api", externalId: "42", inboxes: ["app", "shop"] }) // "switchboard contact split 7 --inbox shop"
 */
export function splitCommand(shared: SharedIdentity): string {
  return `switchboard contact split ${shared.contactId} ${shared.inboxes
    .slice(1)
    .map((inbox) => `--inbox ${inbox}`)
    .join(" ")}`;
}
