/** @jsxImportSource hono/jsx */
/**
 * The left side of the inbox: the views and filters (navigation), and the conversation list with
 * its rows, unread counts, channel marks and a "more" row for the next page.
 */
import type { ViewCounts } from "../../store/conversation-counts.ts";
import type { ConversationRow } from "../../store/conversation-list.ts";
import { type ListQuery, listHref } from "../filters.ts";
import { BulkBar, type BulkOptions, RowSelect } from "./bulk-bar.tsx";
import { isBreached, SlaCountdown } from "./sla.tsx";
import { LabelChip, PriorityChip, ViewCount } from "./tags.tsx";
import { relativeTime } from "./time.ts";

export interface NavData {
  query: ListQuery;
  inboxes: { name: string; displayName: string; channel: string }[];
  labels: { id: number; name: string }[];
  teams: { id: number; name: string }[];
  /** How many conversations each view holds (left out where counting costs too much). */
  counts?: ViewCounts;
}

export function Nav(props: NavData) {
  const { query } = props;
  const link = (label: string, change: Parameters<typeof listHref>[1], current: boolean, count?: number) => (
    <a href={listHref(query, { ...change, cursor: undefined })} aria-current={current ? "page" : undefined}>
      {label}
      <ViewCount n={count} />
    </a>
  );
  const counts = props.counts;
  return (
    <nav class="views" id="views-nav" aria-label="Conversation views">
      <h2>Conversations</h2>
      {link("Mine", { view: "mine" }, query.view === "mine", counts?.mine)}
      {link("Unassigned", { view: "unassigned" }, query.view === "unassigned", counts?.unassigned)}
      {link("All", { view: "all" }, query.view === "all", counts?.all)}
      {link("Mentions", { view: "mentions" }, query.view === "mentions")}
      {link(query.unread ? "Unread only (on)" : "Unread only", { unread: query.unread ? undefined : "1" }, !!query.unread, counts?.unread)}
      <h2>Status</h2>
      {(["open", "pending", "snoozed", "resolved"] as const).map((s) =>
        link(s[0]!.toUpperCase() + s.slice(1), { status: s }, query.status === s),
      )}
      <h2>Inboxes</h2>
      {link("All inboxes", { inbox: undefined, channel: undefined }, !query.inbox && !query.channel)}
      {props.inboxes.map((i) => link(`${i.displayName} (${i.channel})`, { inbox: i.name, channel: undefined }, query.inbox === i.name))}
      {props.labels.length ? <h2>Labels</h2> : null}
      {props.labels.map((l) => link(l.name, { label: query.label === l.id ? undefined : l.id }, query.label === l.id))}
      {props.teams.length ? <h2>Teams</h2> : null}
      {props.teams.map((t) => link(t.name, { team: query.team === t.id ? undefined : t.id }, query.team === t.id))}
      <h2>Sort</h2>
      {link("Newest activity", { sort: undefined }, query.sort === "activity")}
      {link("SLA due first", { sort: "due" }, query.sort === "due")}
    </nav>
  );
}

export function ConversationRows(props: {
  rows: ConversationRow[];
  /** Conversations with a note that mentions the agent, unread (mentions/notify.ts). */
  mentioned?: Set<number>;
  selectedId?: number;
  now: number;
  nextHref: string | null;
  /** Rows get a checkbox for the bulk bar. */
  selectable?: boolean;
}) {
  return (
    <>
      {props.rows.map(({ conversation: c, contactName, preview, labels, labelColors, assigneeName, unread }) => (
        <li
          data-conversation={c.id}
          class={
            [props.selectedId === c.id ? "selected" : "", isBreached(c.slaDueAt, props.now) ? "breached" : ""].join(" ").trim() || undefined
          }
        >
          {props.selectable ? <RowSelect id={c.id} name={contactName ?? `Contact #${c.contactId}`} /> : null}
          <a
            href={`/inbox/conversations/${c.id}`}
            hx-get={`/inbox/conversations/${c.id}`}
            hx-target="#main"
            hx-select="#main"
            hx-swap="outerHTML"
            hx-push-url="true"
            aria-current={props.selectedId === c.id ? "true" : undefined}
          >
            <div class="row1">
              <span class="chan" title={`Channel: ${c.channel}`}>
                {c.channel}
              </span>
              <span class="name">{contactName ?? `Contact #${c.contactId}`}</span>
              {props.mentioned?.has(c.id) ? (
                <span class="badge mention" title="You were mentioned" data-mentioned>
                  @<span class="sr-only"> You were mentioned</span>
                </span>
              ) : null}
              {unread > 0 ? (
                <span class="badge unread">
                  {unread}
                  <span class="sr-only"> unread</span>
                </span>
              ) : null}
              <SlaCountdown dueAt={c.slaDueAt} now={props.now} />
              <time class="muted" datetime={new Date(c.lastActivityAt).toISOString()}>
                {relativeTime(c.lastActivityAt, props.now)}
              </time>
            </div>
            <div class="preview">{preview ?? ""}</div>
            <div class="tags">
              <PriorityChip priority={c.priority} />
              {labels.map((l, i) => (
                <LabelChip name={l} color={labelColors[i] ?? null} />
              ))}
              <span class="assignee muted" data-assignee>
                {assigneeName ? (
                  <>
                    <span class="sr-only">Assigned to </span>
                    {assigneeName}
                  </>
                ) : (
                  "Unassigned"
                )}
              </span>
            </div>
          </a>
        </li>
      ))}
      {props.nextHref ? (
        <li class="more">
          <a href={props.nextHref} hx-get={props.nextHref} hx-target="closest li" hx-swap="outerHTML">
            Load more
          </a>
        </li>
      ) : null}
    </>
  );
}

/** The list panel; it refreshes itself when the live stream says the list changed. */
export function ConversationList(props: {
  query: ListQuery;
  rows: ConversationRow[];
  mentioned?: Set<number>;
  selectedId?: number;
  now: number;
  nextHref: string | null;
  /** The bulk bar's choices; without it, rows cannot be selected. */
  bulk?: BulkOptions;
}) {
  const refresh = listHref(props.query, { cursor: undefined }, "/inbox/list") + (props.selectedId ? `&selected=${props.selectedId}` : "");
  return (
    <section
      class="list"
      aria-label="Conversations"
      id="list"
      hx-get={refresh}
      hx-trigger="sse:list throttle:500ms"
      hx-swap="outerHTML"
      hx-select="#list"
      hx-select-oob="#views-nav"
    >
      {props.bulk && props.rows.length ? <BulkBar {...props.bulk} /> : null}
      {props.rows.length === 0 ? (
        <p class="empty muted">No conversations here.</p>
      ) : (
        <ol>
          <ConversationRows
            rows={props.rows}
            mentioned={props.mentioned}
            selectedId={props.selectedId}
            now={props.now}
            nextHref={props.nextHref}
            selectable={!!props.bulk}
          />
        </ol>
      )}
    </section>
  );
}
