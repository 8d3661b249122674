/** @jsxImportSource hono/jsx */
/**
 * The inbox pages: the list (with filters, pages and search) and a conversation beside it. The
 * same URLs answer htmx with just the part that changes: the list panel, the conversation pane,
 * its header, or the timeline's new messages.
 */

import { and, eq, inArray, isNull } from "drizzle-orm";
import { type Context, Hono } from "hono";
import type { Child } from "hono/jsx";
import { visibleConversation } from "../../access/index.ts";
import { searchContacts } from "../../contacts/search.ts";
import { parseId } from "../../http/ids.ts";
import { unreadMentions } from "../../mentions/notify.ts";
import type { Services } from "../../services.ts";
import { countViews } from "../../store/conversation-counts.ts";
import { listConversations, sortKey } from "../../store/conversation-list.ts";
import { decodeCursor, page } from "../../store/cursor.ts";
import { findMessage } from "../../store/messages.ts";
import { agents, contacts, conversationReads, labels, teams } from "../../store/schema.ts";
import { messageSearchMatch, searchMessages } from "../../store/search.ts";
import { contactTimeline } from "../../store/timeline.ts";
import { attachmentsOf, loadConversationPage } from "../conversation-data.ts";
import type { InboxEnv, PageContext } from "../env.ts";
import { type ListQuery, listHref, readListQuery, toFilters } from "../filters.ts";
import { idParam } from "../id-param.ts";
import { renderFragment, renderPage } from "../render.ts";
import { ConversationHeader } from "../views/actions.tsx";
import type { BulkOptions } from "../views/bulk-bar.tsx";
import { EmptyPane } from "../views/conversation.tsx";
import { Layout } from "../views/layout.tsx";
import { ConversationList, ConversationRows, Nav } from "../views/list.tsx";
import { SearchResults } from "../views/search.tsx";
import { TimelineItems } from "../views/timeline.tsx";
import { paneOf } from "./pane.tsx";

const PAGE_SIZE = 25;

export function pageRoutes(sb: Services, shared: Pick<PageContext, "assets" | "theme">): Hono<InboxEnv> {
  const app = new Hono<InboxEnv>();

  async function listData(query: ListQuery, agentId: number, visible: string[]) {
    const after = query.cursor ? (decodeCursor(query.cursor, 2) as [number, number]) : undefined;
    const fetched = await listConversations(sb.store.db, toFilters(query, agentId, visible), {
      limit: PAGE_SIZE,
      after,
      readerId: agentId,
      sort: query.sort,
    });
    const { rows, next } = page(fetched, PAGE_SIZE, (r) => sortKey(r.conversation, query.sort));
    const mentioned = await unreadMentions(
      sb.store.db,
      agentId,
      rows.map((r) => r.conversation.id),
    );
    return { rows, mentioned, nextHref: next ? listHref({ ...query }, { cursor: next }, "/inbox/list") : null };
  }

  /** The bulk bar's choices: active agents, labels, and the list to come back to. */
  async function bulkOptions(c: Context<InboxEnv>, query: ListQuery): Promise<BulkOptions> {
    const [active, allLabels] = await Promise.all([
      sb.store.db.select({ id: agents.id, name: agents.name }).from(agents).where(isNull(agents.deactivatedAt)).orderBy(agents.name),
      sb.store.db.select({ id: labels.id, name: labels.name }).from(labels).orderBy(labels.name),
    ]);
    return { agents: active, labels: allLabels, csrf: c.get("session").csrfToken, back: listHref(query, { cursor: undefined }) };
  }

  /** The views' counts; a whole resolved history costs more to count than the page, so only the working statuses are counted. */
  function viewCounts(query: ListQuery, agentId: number, visible: string[]) {
    return query.status === "resolved" ? undefined : countViews(sb.store.db, toFilters(query, agentId, visible), agentId);
  }

  async function navData(query: ListQuery, visible: string[]) {
    const [allLabels, allTeams] = await Promise.all([
      sb.store.db.select({ id: labels.id, name: labels.name }).from(labels).orderBy(labels.name),
      sb.store.db.select({ id: teams.id, name: teams.name }).from(teams).orderBy(teams.name),
    ]);
    const inboxes = sb.inboxes
      .list()
      .filter((i) => visible.includes(i.name))
      .map((i) => ({ name: i.name, displayName: i.displayName, channel: i.channel }));
    return { query, inboxes, labels: allLabels, teams: allTeams };
  }

  /**
   * The view for an /inbox without `view` in its URL: the first of Mine and Unassigned that has a
   * conversation in it, else All, so a new admin lands on work instead of an empty "Mine".
   */
  async function landingView(query: ListQuery, agentId: number, visible: string[]): Promise<ListQuery["view"]> {
    for (const view of ["mine", "unassigned"] as const) {
      const [first] = await listConversations(sb.store.db, toFilters({ ...query, view }, agentId, visible), {
        limit: 1,
        readerId: agentId,
        sort: query.sort,
      });
      if (first) return view;
    }
    return "all";
  }

  /** The names of some contacts, by id (for search hits). */
  async function contactNames(ids: number[]): Promise<Map<number, string | null>> {
    if (ids.length === 0) return new Map();
    const rows = await sb.store.db
      .select({ id: contacts.id, name: contacts.name })
      .from(contacts)
      .where(inArray(contacts.id, [...new Set(ids)]));
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  /** The whole page: nav, list, and the pane given. */
  async function fullPage(c: Context<InboxEnv>, query: ListQuery, pane: Child, title: string, selectedId?: number) {
    const session = c.get("session");
    const viewer = c.get("viewer");
    const visible = viewer.inboxes;
    const [{ rows, mentioned, nextHref }, nav, counts, bulk] = await Promise.all([
      listData(query, session.agent.id, visible),
      navData(query, visible),
      viewCounts(query, session.agent.id, visible),
      bulkOptions(c, query),
    ]);
    return renderPage(
      c,
      <Layout title={title} page={{ ...shared, session }} nav={<Nav {...nav} counts={counts} />} query={query}>
        <ConversationList
          query={query}
          rows={rows}
          mentioned={mentioned}
          selectedId={selectedId}
          now={sb.clock.now()}
          nextHref={nextHref}
          bulk={bulk}
        />
        {pane}
      </Layout>,
    );
  }

  app.get("/", (c) => c.redirect("/inbox", 303));

  app.get("/inbox", async (c) => {
    const query = readListQuery(c.req.query());
    if (!c.req.query("view")) query.view = await landingView(query, c.get("session").agent.id, c.get("viewer").inboxes);
    const q = query.q?.trim();
    if (!q) return fullPage(c, query, <EmptyPane />, "Inbox");
    const viewer = c.get("viewer");
    const [match, people] = await Promise.all([messageSearchMatch(sb.store, q), searchContacts(sb.store.db, viewer, q, 20)]);
    const hits = match ? await searchMessages(sb.store.db, match, { limit: 50, offset: 0, inboxes: viewer.inboxes }) : [];
    const names = await contactNames(hits.map((h) => h.contact_id));
    return fullPage(
      c,
      query,
      <SearchResults query={q} contacts={people} hits={hits} names={names} listQuery={query} now={sb.clock.now()} />,
      `Search: ${q}`,
    );
  });

  app.get("/inbox/list", async (c) => {
    const query = readListQuery(c.req.query());
    const session = c.get("session");
    const { rows, mentioned, nextHref } = await listData(query, session.agent.id, c.get("viewer").inboxes);
    const selected = parseId(c.req.query("selected"));
    if (query.cursor)
      return renderFragment(
        c,
        <ConversationRows rows={rows} mentioned={mentioned} now={sb.clock.now()} nextHref={nextHref} selectedId={selected} selectable />,
      );
    const visible = c.get("viewer").inboxes;
    // The nav goes along (hx-select-oob), so the views' counts follow the live list.
    const [nav, counts, bulk] = await Promise.all([
      navData(query, visible),
      viewCounts(query, session.agent.id, visible),
      bulkOptions(c, query),
    ]);
    return renderFragment(
      c,
      <>
        <ConversationList
          query={query}
          rows={rows}
          mentioned={mentioned}
          selectedId={selected}
          now={sb.clock.now()}
          nextHref={nextHref}
          bulk={bulk}
        />
        <Nav {...nav} counts={counts} />
      </>,
    );
  });

  app.get("/inbox/conversations/:id", async (c) => {
    const session = c.get("session");
    const viewer = c.get("viewer");
    const { conversation, contact } = await visibleConversation(sb.store.db, viewer, idParam(c));
    const data = await loadConversationPage(sb, conversation, contact, viewer, { whole: c.req.query("history") === "all" });
    const last = data.timeline.filter((m) => m.conversationId === conversation.id).at(-1);
    if (last) await markRead(session.agent.id, conversation.id, last.id);
    const pane = paneOf(sb, session, data);
    if (c.req.header("HX-Request") && c.req.header("HX-Target") === "main") return renderFragment(c, pane);
    return fullPage(c, readListQuery(c.req.query()), pane, contact.name ?? `Conversation #${conversation.id}`, conversation.id);
  });

  app.get("/inbox/conversations/:id/head", async (c) => {
    const session = c.get("session");
    const viewer = c.get("viewer");
    const { conversation, contact } = await visibleConversation(sb.store.db, viewer, idParam(c));
    const data = await loadConversationPage(sb, conversation, contact, viewer);
    return renderFragment(c, <ConversationHeader data={data} csrf={session.csrfToken} selfId={session.agent.id} />);
  });

  /** The messages of the contact's timeline after `after` (the last one the page shows). */
  app.get("/inbox/conversations/:id/timeline", async (c) => {
    const session = c.get("session");
    const viewer = c.get("viewer");
    const visible = viewer.inboxes;
    const { conversation, contact } = await visibleConversation(sb.store.db, viewer, idParam(c));
    const afterId = parseId(c.req.query("after")) ?? 0;
    const messages = await contactTimeline(sb.store.db, contact.id, { limit: 200, afterId, inboxes: visible });
    if (messages.length === 0) return c.body(null, 204);
    const previous = afterId ? await findMessage(sb.store.db, afterId) : undefined;
    const names = await sb.store.db.select({ id: agents.id, name: agents.name }).from(agents);
    const own = messages.filter((m) => m.conversationId === conversation.id).at(-1);
    if (own) await markRead(session.agent.id, conversation.id, own.id);
    const files = await attachmentsOf(
      sb,
      messages.map((m) => m.id),
    );
    return renderFragment(
      c,
      <TimelineItems
        messages={messages}
        previous={previous}
        files={files}
        agentNames={new Map(names.map((n) => [n.id, n.name]))}
        csrf={session.csrfToken}
      />,
    );
  });

  /** Moves the agent's read mark forward; a page view that changes nothing writes nothing. */
  async function markRead(agentId: number, conversationId: number, messageId: number) {
    const [mark] = await sb.store.db
      .select({ id: conversationReads.lastReadMessageId })
      .from(conversationReads)
      .where(and(eq(conversationReads.agentId, agentId), eq(conversationReads.conversationId, conversationId)));
    if (mark && mark.id >= messageId) return;
    await sb.store.write((tx) =>
      tx
        .insert(conversationReads)
        .values({ agentId, conversationId, lastReadMessageId: messageId })
        .onConflictDoUpdate({
          target: [conversationReads.agentId, conversationReads.conversationId],
          set: { lastReadMessageId: messageId },
          setWhere: eq(conversationReads.agentId, agentId),
        }),
    );
  }

  return app;
}
