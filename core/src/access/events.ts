/**
 * The access rule for live events (the REST /events stream and the inbox's SSE): an event about a
 * conversation is visible where its inbox is; one about a contact where the contact is; an agent's
 * availability to every agent; anything else (a plugin's own event with no conversation or contact)
 * to admins only. The lookup an event needs is done once per event and shared by every open stream.
 */
import { eq, inArray } from "drizzle-orm";
import type { SwitchboardEvent } from "../events/types.ts";
import type { Queryable } from "../store/index.ts";
import { conversations } from "../store/schema.ts";
import type { Viewer } from "./viewer.ts";

/** What an event is about, as far as access goes. */
type Scope = { kind: "everyone" } | { kind: "admins" } | { kind: "inboxes"; inboxes: string[] };

/** Events every agent may see, whatever inboxes they serve. */
const FOR_EVERYONE = new Set<string>(["agent.availability_changed"]);

async function scopeOf(db: Queryable, event: SwitchboardEvent): Promise<Scope> {
  if (FOR_EVERYONE.has(event.name)) return { kind: "everyone" };
  const data = (event.data ?? {}) as Record<string, unknown>;
  const number = (key: string) => (typeof data[key] === "number" ? (data[key] as number) : undefined);
  if (typeof data.inbox === "string") return { kind: "inboxes", inboxes: [data.inbox] };
  const conversationId = number("conversationId") ?? number("targetId");
  if (conversationId !== undefined) {
    const rows = await db.select({ inbox: conversations.inbox }).from(conversations).where(eq(conversations.id, conversationId));
    return { kind: "inboxes", inboxes: rows.map((r) => r.inbox) };
  }
  const contactIds = [number("contactId"), number("survivorId"), number("restoredId")].filter((id) => id !== undefined);
  if (contactIds.length > 0) {
    const rows = await db
      .selectDistinct({ inbox: conversations.inbox })
      .from(conversations)
      .where(inArray(conversations.contactId, contactIds));
    return { kind: "inboxes", inboxes: rows.map((r) => r.inbox) };
  }
  return { kind: "admins" };
}

/** Decides which viewers may see an event. */
export type EventAccess = (viewer: Viewer, event: SwitchboardEvent) => Promise<boolean>;

/**
 * An event access check whose database lookups are shared by every stream that sees the same event.
 *
 * @example
 * const canSee = createEventAccess(store.db);
 * streams.open(c, "sse", async (event, send) => { if (await canSee(viewer, event)) send(event.name); });
 */
export function createEventAccess(db: Queryable): EventAccess {
  const scopes = new WeakMap<SwitchboardEvent, Promise<Scope>>();
  return async function canSeeEvent(viewer, event) {
    if (viewer.admin) return true;
    let scope = scopes.get(event);
    if (!scope) scopes.set(event, (scope = scopeOf(db, event)));
    const resolved = await scope;
    if (resolved.kind === "everyone") return true;
    if (resolved.kind === "admins") return false;
    return resolved.inboxes.some((inbox) => viewer.inboxes.includes(inbox));
  };
}
