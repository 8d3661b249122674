/** @jsxImportSource hono/jsx */
/**
 * The conversation pane (#main): header with actions, the live timeline, the typing line, the
 * composer, and the contact sidebar.
 */
import type { ConversationPageData } from "../conversation-data.ts";
import { ConversationHeader } from "./actions.tsx";
import { AssistBar, type AssistOffers } from "./assist.tsx";
import { Composer } from "./composer.tsx";
import { ContactSidebar, type SidebarSlot } from "./sidebar.tsx";
import { TimelineItems } from "./timeline.tsx";

export function ConversationPane(props: {
  data: ConversationPageData;
  csrf: string;
  selfId: number;
  slot: SidebarSlot;
  now: number;
  /** What the assistants offer; no assistant bar when absent or empty. */
  assist?: AssistOffers;
}) {
  const { data } = props;
  const id = data.conversation.id;
  const agentNames = new Map(data.agents.map((a) => [a.id, a.name]));
  return (
    <main class="pane" id="main" aria-label={`Conversation #${id}`}>
      <section class="conversation">
        <ConversationHeader data={data} csrf={props.csrf} selfId={props.selfId} />
        {/* A column-reverse scroller: it opens at the newest message and stays there as messages arrive.
            Focusable and named, so a keyboard user can scroll it with the arrow keys. */}
        {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scroll area must be focusable to be scrolled by keyboard (WCAG 2.1.1, axe scrollable-region-focusable). */}
        <section class="timeline-scroll" tabIndex={0} aria-label="Messages, scrollable">
          <div
            class="timeline"
            id="timeline"
            data-timeline
            role="log"
            aria-live="polite"
            aria-label="Timeline"
            hx-get={`/inbox/conversations/${id}/timeline`}
            hx-trigger={`sse:contact-${data.contact.id}, timeline-refresh from:body`}
            hx-swap="beforeend"
            hx-sync="this:queue last"
          >
            {data.hasEarlier ? (
              <p class="activity">
                <a href={`/inbox/conversations/${id}?history=all`}>Earlier messages</a>
              </p>
            ) : null}
            <TimelineItems messages={data.timeline} files={data.attachmentsByMessage} agentNames={agentNames} csrf={props.csrf} />
          </div>
        </section>
        <div class="typing" id="typing" aria-live="polite" sse-swap={`typing-${id}`}></div>
        <div class="viewing" data-viewing-line={`/inbox/conversations/${id}/viewing`} sse-swap={`viewing-${id}`} hx-swap="beforeend"></div>
        {props.assist && Object.values(props.assist).some(Boolean) ? (
          <AssistBar conversationId={id} offers={props.assist} channel={data.replyInboxes[0]?.channel ?? data.conversation.channel} />
        ) : null}
        <Composer conversationId={id} inboxes={data.replyInboxes} canned={data.canned} csrf={props.csrf} draft={data.draft} />
      </section>
      <ContactSidebar data={data} slot={props.slot} now={props.now} csrf={props.csrf} />
    </main>
  );
}

export function EmptyPane(props: { message?: unknown }) {
  return (
    <main class="pane empty" id="main">
      <h1 class="sr-only">Inbox</h1>
      <p>{props.message ?? "Pick a conversation, or press j."}</p>
    </main>
  );
}
