/**
 * Re-scoping identities stored before channels declared `identityScope`. Migration 0006 left every
 * stored identity global (scope ""), because which channels are inbox-scoped is known only once the
 * plugins have created their adapters. So this is a start-up step (`Switchboard.start`, before any
 * inbox receives; `switchboard contact split` runs it too) rather than SQL in the migration. It is
 * idempotent: it touches only identities of inbox-scoped channels still at scope "", and finds none
 * once done. Each gets the inbox it came from: the inbox named by its `source` ("inbox:<name>",
 * where it was first seen) keeps the row itself (so merge records stay valid); every other inbox of
 * that channel the contact wrote from gets a copy, when the contact holds no other id on that
 * channel (otherwise which id wrote there cannot be told). Rows with neither stay at "" and match
 * no lookup. A contact who then holds one id from two inboxes is the damage of the old rule:
 * `switchboard doctor` lists them (shared-identities.ts), `switchboard contact split` repairs them.
 */
import { type SQL, sql } from "drizzle-orm";
import type { Logger } from "../log/index.ts";
import type { InboxInfo } from "../plugins/types.ts";
import type { Queryable, Store, Tx } from "../store/index.ts";

/** An inbox as re-scoping sees it; `identityScope` undefined when its adapter is not known (it failed, or its plugin did not start). */
export type ScopedInbox = Pick<InboxInfo, "name" | "channel" | "identityScope">;

/**
 * The channels whose identities belong to one inbox: those whose every known inbox declares
 * "inbox". A channel whose inboxes disagree is left out (its old identities cannot be told apart).
 *
 * @example
 * inboxScopedChannels([{ name: "shop", channel: "api", identityScope: "inbox" }]) // { channels: ["api"], mixed: [] }
 */
export function inboxScopedChannels(inboxes: ScopedInbox[]): { channels: string[]; mixed: string[] } {
  const scopes = new Map<string, Set<string>>();
  for (const inbox of inboxes) {
    if (inbox.identityScope === undefined) continue;
    scopes.set(inbox.channel, (scopes.get(inbox.channel) ?? new Set()).add(inbox.identityScope));
  }
  const channels = [...scopes].filter(([, s]) => s.size === 1 && s.has("inbox")).map(([c]) => c);
  const mixed = [...scopes].filter(([, s]) => s.size > 1).map(([c]) => c);
  return { channels: channels.sort(), mixed: mixed.sort() };
}

/**
 * `WITH` clauses naming, for the global identities of `channel`, each inbox they belong to
 * (`candidates(id, inbox)`) and the one that keeps the row (`chosen(id, inbox, keep)`).
 */
function candidatesOf(channel: string): SQL {
  return sql`WITH legacy AS (SELECT id, contact_id, external_id, verified, source, created_at FROM identities WHERE channel = ${channel} AND scope = ''),
    sourced AS (SELECT id, substr(source, 7) AS inbox FROM legacy WHERE source LIKE 'inbox:_%'),
    single AS (SELECT contact_id FROM legacy GROUP BY contact_id HAVING count(*) = 1),
    candidates AS (
      SELECT id, inbox FROM sourced
      UNION
      SELECT l.id, m.inbox FROM legacy l JOIN single s ON s.contact_id = l.contact_id JOIN messages m ON m.contact_id = l.contact_id
      WHERE m.channel = ${channel} AND m.direction = 'incoming'
    ),
    chosen AS (
      SELECT c.id, c.inbox, coalesce((SELECT s.inbox FROM sourced s WHERE s.id = c.id), (SELECT min(c2.inbox) FROM candidates c2 WHERE c2.id = c.id)) AS keep
      FROM candidates c
    )`;
}

/**
 * Identities waiting to be re-scoped: per legacy identity, the inboxes it will belong to (first the
 * one that keeps the row, then the others by name). Reads only (for `switchboard doctor`).
 *
 * @example
 * await pendingRescopes(store.db, ["api"]) // [{ contactId: 7, channel: "api", externalId: "42", inboxes: ["app", "shop"] }]
 */
export async function pendingRescopes(
  db: Queryable,
  channels: string[],
): Promise<{ contactId: number; channel: string; externalId: string; inboxes: string[] }[]> {
  const out: { contactId: number; channel: string; externalId: string; inboxes: string[] }[] = [];
  for (const channel of channels) {
    const rows = await db.all<{ contact_id: number; external_id: string; keep: string; inboxes: string }>(
      sql`${candidatesOf(channel)} SELECT l.contact_id, l.external_id, c.keep, group_concat(c.inbox, char(10)) AS inboxes
        FROM chosen c JOIN legacy l ON l.id = c.id GROUP BY c.id ORDER BY c.id`,
    );
    for (const row of rows) {
      const others = String(row.inboxes)
        .split("\n")
        .filter((inbox) => inbox !== row.keep)
        .sort();
      out.push({ contactId: Number(row.contact_id), channel, externalId: String(row.external_id), inboxes: [String(row.keep), ...others] });
    }
  }
  return out;
}

/** Re-scopes the global identities of one inbox-scoped channel; returns how many rows changed. */
async function rescopeChannel(tx: Tx, channel: string): Promise<number> {
  const copies = await tx.run(
    sql`INSERT OR IGNORE INTO identities (contact_id, channel, scope, external_id, verified, source, created_at)
      ${candidatesOf(channel)} SELECT l.contact_id, ${channel}, c.inbox, l.external_id, l.verified, l.source, l.created_at
      FROM chosen c JOIN legacy l ON l.id = c.id WHERE c.inbox <> c.keep`,
  );
  const kept = await tx.run(
    sql`${candidatesOf(channel)} UPDATE OR IGNORE identities SET scope = (SELECT keep FROM chosen WHERE chosen.id = identities.id LIMIT 1) WHERE id IN (SELECT id FROM chosen)`,
  );
  return copies.rowsAffected + kept.rowsAffected;
}

/**
 * Gives the identities of inbox-scoped channels that are still global their inbox, in one
 * transaction. Safe to run at every start.
 *
 * @example
 * await rescopeIdentities({ store, log }, switchboard.inboxes.list()); // after the inboxes' adapters exist
 */
export async function rescopeIdentities(deps: { store: Store; log: Logger }, inboxes: ScopedInbox[]): Promise<number> {
  const { channels, mixed } = inboxScopedChannels(inboxes);
  if (mixed.length > 0)
    deps.log.warn(
      { channels: mixed },
      "inboxes of one channel declare different identity scopes; its old identities stay global. Give every inbox of a channel the same identityScope.",
    );
  if (channels.length === 0) return 0;
  const [waiting] = await deps.store.db.all(
    sql`SELECT 1 FROM identities WHERE channel IN (${sql.join(
      channels.map((c) => sql`${c}`),
      sql`, `,
    )}) AND scope = '' LIMIT 1`,
  );
  if (!waiting) return 0;
  const changed = await deps.store.write(async (tx) => {
    let total = 0;
    for (const channel of channels) total += await rescopeChannel(tx, channel);
    return total;
  });
  if (changed > 0) deps.log.info({ channels, changed }, "identities re-scoped to the inbox they came from");
  return changed;
}
