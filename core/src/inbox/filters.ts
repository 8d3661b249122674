/**
 * The list's filters, read from the query string and written back into links, so every view of the
 * list is a URL an agent can bookmark or share.
 */
import { z } from "zod";
import type { ConversationFilters } from "../store/conversation-list.ts";

export const listQuerySchema = z.object({
  /** "mentions": conversations with a private note that @mentions the agent. */
  view: z.enum(["mine", "unassigned", "all", "mentions"]).default("mine"),
  status: z.enum(["open", "pending", "snoozed", "resolved"]).default("open"),
  inbox: z.string().max(64).optional(),
  channel: z.string().max(64).optional(),
  label: z.coerce.number().int().positive().optional(),
  team: z.coerce.number().int().positive().optional(),
  q: z.string().max(256).optional(),
  cursor: z.string().max(200).optional(),
  /** "activity": newest first; "due": SLA due time first (breached on top). */
  sort: z.enum(["activity", "due"]).default("activity"),
  /** "1": only conversations with customer messages the agent has not read. */
  unread: z.enum(["1"]).optional(),
});

export type ListQuery = z.infer<typeof listQuerySchema>;

/** Reads the list query; unknown or malformed values fall back to the defaults (it is a view, not an API). */
export function readListQuery(params: Record<string, string>): ListQuery {
  const parsed = listQuerySchema.safeParse(Object.fromEntries(Object.entries(params).filter(([, v]) => v !== "")));
  return parsed.success ? parsed.data : listQuerySchema.parse({});
}

/** The store filters of a list query, for an agent who may see `visible` inboxes. */
export function toFilters(query: ListQuery, agentId: number, visible: string[]): ConversationFilters {
  return {
    status: query.status,
    inbox: query.inbox,
    channel: query.channel,
    inboxes: visible,
    labelId: query.label,
    teamId: query.team,
    assigneeId: query.view === "mine" ? agentId : query.view === "unassigned" ? null : undefined,
    unreadBy: query.unread ? agentId : undefined,
    mentionedAgentId: query.view === "mentions" ? agentId : undefined,
  };
}

/** The query string of a list view, changing some keys (undefined removes one). */
export function listHref(
  query: ListQuery,
  change: Partial<Record<keyof ListQuery, string | number | undefined>> = {},
  base = "/inbox",
): string {
  const merged: Record<string, string | number | undefined> = {
    view: query.view,
    status: query.status,
    inbox: query.inbox,
    channel: query.channel,
    label: query.label,
    team: query.team,
    sort: query.sort === "due" ? "due" : undefined,
    unread: query.unread,
    ...change,
  };
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(merged)) if (value !== undefined && value !== "") params.set(key, String(value));
  return `${base}?${params}`;
}
