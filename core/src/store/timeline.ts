/**
 * A contact's timeline: every message of every conversation of that contact, on every channel, in
 * one chronological list. Shared by the REST API and the inbox.
 */
import { and, desc, eq, gt, inArray, type SQL, sql } from "drizzle-orm";
import type { Queryable } from "./index.ts";
import type { Message } from "./messages.ts";
import { messages } from "./schema.ts";

/**
 * Messages of the contact, oldest first. `after` takes those after a [createdAt, id] key (forward
 * pages); `afterId` those with a greater id (new arrivals); `latest` the last N instead of the first;
 * `inboxes` keeps only messages of those inboxes (the ones the reader may see).
 *
 * @example
 * const recent = await contactTimeline(store.db, contactId, { limit: 100, latest: true });
 */
export async function contactTimeline(
  db: Queryable,
  contactId: number,
  options: { limit: number; after?: [createdAt: number, id: number]; afterId?: number; latest?: boolean; inboxes?: string[] },
): Promise<Message[]> {
  // messages.contact_id is always its conversation's contact (conversations merge only within a
  // contact; a contact merge moves both), so the (contact_id, created_at) index walks the timeline
  // in order: the latest page costs the same at 20 messages or 20,000, with no sort.
  const where: SQL[] = [eq(messages.contactId, contactId)];
  if (options.inboxes) where.push(inArray(messages.inbox, options.inboxes));
  if (options.after) where.push(sql`(${messages.createdAt}, ${messages.id}) > (${options.after[0]}, ${options.after[1]})`);
  if (options.afterId !== undefined) where.push(gt(messages.id, options.afterId));
  if (options.latest) {
    const rows = await db
      .select()
      .from(messages)
      .where(and(...where))
      .orderBy(desc(messages.createdAt), desc(messages.id))
      .limit(options.limit);
    return rows.reverse();
  }
  return db
    .select()
    .from(messages)
    .where(and(...where))
    .orderBy(messages.createdAt, messages.id)
    .limit(options.limit);
}

/** A point in the timeline where the customer went on on another channel. */
export interface ChannelSwitch {
  from: string;
  to: string;
}

const customerFacing = (m: Pick<Message, "direction">) => m.direction === "incoming" || m.direction === "outgoing";

/**
 * Where the conversation with the customer moved to another channel: for each message (incoming or
 * outgoing; notes and activity never count) whose channel differs from the customer-facing message
 * before it, the switch, by message id. `previous` is the customer-facing message before the first one
 * (for a later page). The inbox and the REST timeline both mark these.
 *
 * @example
 * channelSwitches([chatMessage, emailMessage]).get(emailMessage.id); // { from: "webchat", to: "email" }
 */
export function channelSwitches(rows: readonly Message[], previous?: Message): Map<number, ChannelSwitch> {
  const switches = new Map<number, ChannelSwitch>();
  let last = previous && customerFacing(previous) ? previous : undefined;
  for (const m of rows) {
    if (!customerFacing(m)) continue;
    if (last && last.channel !== m.channel) switches.set(m.id, { from: last.channel, to: m.channel });
    last = m;
  }
  return switches;
}

/**
 * The contact's last incoming or outgoing message before a [createdAt, id] key, among `inboxes`.
 *
 * @example
 * const previous = await customerFacingBefore(store.db, contactId, [first.createdAt, first.id]);
 */
export async function customerFacingBefore(
  db: Queryable,
  contactId: number,
  key: [createdAt: number, id: number],
  inboxes?: string[],
): Promise<Message | undefined> {
  const where: SQL[] = [
    eq(messages.contactId, contactId),
    inArray(messages.direction, ["incoming", "outgoing"]),
    sql`(${messages.createdAt}, ${messages.id}) < (${key[0]}, ${key[1]})`,
  ];
  if (inboxes) where.push(inArray(messages.inbox, inboxes));
  const [row] = await db
    .select()
    .from(messages)
    .where(and(...where))
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(1);
  return row;
}
