/** @jsxImportSource hono/jsx */
/**
 * The timeline: every message of the contact on every channel, oldest first. Each message shows its
 * channel; a change of channel between two customer-facing messages is marked ("Continued on email
 * after telegram"), and so is the start of each conversation. Customer text is always escaped:
 * JSX escapes it, and nothing here renders raw HTML.
 */
import { languageOf } from "../../contacts/read-values.ts";
import { findMentions } from "../../mentions/find.ts";
import type { Message } from "../../store/messages.ts";
import { channelSwitches } from "../../store/timeline.ts";
import type { ConversationPageData } from "../conversation-data.ts";
import { AssistedText, translationOf } from "./assisted-text.tsx";
import { CsrfField } from "./csrf.tsx";
import { MessageFiles } from "./files.tsx";
import { MessageFacts } from "./message-facts.tsx";
import { fullTime } from "./time.ts";

type Attachments = ConversationPageData["attachmentsByMessage"];

const statusLabel: Record<string, string> = {
  queued: "Queued",
  sending: "Sending",
  sent: "Sent",
  delivered: "Delivered",
  read: "Read",
  failed: "Failed",
};

/** Note text with its @mentions of agents (whole names, mentions/find.ts) highlighted. */
function withMentions(text: string, agentNames: Map<number, string>) {
  const mentions = findMentions(
    text,
    [...agentNames].map(([id, name]) => ({ id, name })),
  );
  if (mentions.length === 0) return text;
  const parts: unknown[] = [];
  let at = 0;
  for (const m of mentions) {
    parts.push(text.slice(at, m.start), <span class="mention">{text.slice(m.start, m.end)}</span>);
    at = m.end;
  }
  parts.push(text.slice(at));
  return parts;
}

/**
 * An incoming message's language as an assistant detected it, while it has no translation yet:
 * static/assist.js asks for one as the message appears when it is not the agent's language.
 */
function incomingLanguage(m: Message): Record<string, string> {
  const language = m.direction === "incoming" ? languageOf(m.metadata.language) : undefined;
  return language && !translationOf(m) ? { "data-language": language } : {};
}

/** Delivery states that will still change: the message re-renders itself until it settles. */
const UNSETTLED = new Set(["queued", "sending", "failed"]);

/**
 * The timeline only fetches messages newer than the last one shown, so an outgoing message whose
 * delivery is still under way asks for itself again when its contact's timeline changes (the
 * delivery worker publishes message.updated), and once shortly after it appears, in case the update
 * came before it was on the page. A settled message (sent, delivered, read) carries nothing.
 */
function deliveryRefresh(m: Message): Record<string, string> {
  if (m.direction !== "outgoing" || !UNSETTLED.has(m.deliveryStatus)) return {};
  const imminent = m.deliveryStatus === "sending" || (m.deliveryStatus === "queued" && !m.deliveryError);
  return {
    "hx-get": `/inbox/conversations/${m.conversationId}/timeline?after=${m.id - 1}`,
    "hx-trigger": `sse:contact-${m.contactId}${imminent ? ", load delay:2s" : ""}`,
    "hx-select": `#m-${m.id}`,
    "hx-target": "this",
    "hx-swap": "outerHTML",
    "hx-sync": "this:replace",
  };
}

/**
 * The message as the channel sent it: an HTML body in a sandboxed frame (remote images only on
 * request), or the untrimmed text when the channel trimmed quotes and signatures.
 */
function Original(props: { message: Message }) {
  const m = props.message;
  if (m.html) {
    const frame = `frame-${m.id}`;
    return (
      <details class="original">
        <summary>Show the original</summary>
        <iframe
          name={frame}
          sandbox="allow-popups allow-popups-to-escape-sandbox"
          src={`/inbox/messages/${m.id}/html`}
          loading="lazy"
          title={`Original of message ${m.id}`}
        ></iframe>
        {m.html.includes("data-remote-src") ? (
          <a href={`/inbox/messages/${m.id}/html?images=1`} target={frame}>
            Load remote images (the sender may learn you opened it)
          </a>
        ) : null}
      </details>
    );
  }
  if (typeof m.metadata.fullText === "string" && m.metadata.fullText !== m.text) {
    return (
      <details class="original">
        <summary>Show the full message</summary>
        <div class="body">{m.metadata.fullText}</div>
      </details>
    );
  }
  return null;
}

/** One message; `oob` renders it to replace its copy already on the page (an htmx out-of-band swap). */
export function MessageItem(props: { message: Message; files: Attachments; agentNames: Map<number, string>; csrf: string; oob?: boolean }) {
  const m = props.message;
  if (m.direction === "activity") {
    return (
      <p class="activity" id={`m-${m.id}`} data-message-id={m.id}>
        {m.text} · <time datetime={new Date(m.createdAt).toISOString()}>{fullTime(m.createdAt)}</time>
      </p>
    );
  }
  const author =
    m.direction === "incoming"
      ? "Customer"
      : m.authorAgentId !== null
        ? (props.agentNames.get(m.authorAgentId) ?? "Agent")
        : m.metadata.sentOutside
          ? "Sent outside Switchboard"
          : "Switchboard";
  const deleted = Boolean(m.metadata.deleted);
  const files = props.files.get(m.id) ?? [];
  return (
    <article
      class={`msg ${m.direction}`}
      id={`m-${m.id}`}
      data-message-id={m.id}
      {...incomingLanguage(m)}
      aria-label={`${m.direction === "note" ? "Private note" : "Message"} from ${author}`}
      {...deliveryRefresh(m)}
      {...(props.oob ? { "hx-swap-oob": "true" } : {})}
    >
      <div class="meta">
        <span class="chan">{m.channel}</span>
        <span>{m.direction === "note" ? `Note by ${author}` : author}</span>
        <time datetime={new Date(m.createdAt).toISOString()}>{fullTime(m.createdAt)}</time>
        <MessageFacts message={m} />
        {m.direction === "outgoing" ? (
          <span class={`badge ${m.deliveryStatus === "failed" ? "failed" : ""}`}>{statusLabel[m.deliveryStatus] ?? m.deliveryStatus}</span>
        ) : null}
        {m.metadata.sentOutside ? (
          <span class="badge" title="Sent from the network's own app, not from Switchboard">
            sent outside Switchboard
          </span>
        ) : null}
        {deleted ? (
          <span class="badge" title="The customer deleted this message; its text is hidden">
            deleted
          </span>
        ) : null}
        {Array.isArray(m.metadata.edits) && m.metadata.edits.length ? (
          <span class="badge" title="The customer edited this message">
            edited
          </span>
        ) : null}
      </div>
      {deleted ? (
        <div class="body deleted">
          <em>The customer deleted this message.</em>
        </div>
      ) : (
        <AssistedText message={m} body={m.direction === "note" ? withMentions(m.text, props.agentNames) : m.text} />
      )}
      {typeof m.metadata.warning === "string" ? <p class="error">{m.metadata.warning}</p> : null}
      <Original message={m} />
      <MessageFiles message={m} files={files} />
      {m.direction === "outgoing" && m.deliveryStatus === "failed" ? (
        <div class="error">
          {m.deliveryError ?? "Delivery failed."}{" "}
          <form method="post" action={`/inbox/messages/${m.id}/retry`} hx-post={`/inbox/messages/${m.id}/retry`} hx-swap="none">
            <CsrfField token={props.csrf} />
            <button>Retry</button>
          </form>
        </div>
      ) : null}
    </article>
  );
}

/**
 * Timeline items, with channel-switch and conversation-start markers. `previous` is the message
 * shown just before the first one (for a fragment of new arrivals).
 */
export function TimelineItems(props: {
  messages: Message[];
  previous?: Message;
  files: Attachments;
  agentNames: Map<number, string>;
  csrf: string;
}) {
  const switches = channelSwitches(props.messages, props.previous);
  let lastConversation = props.previous?.conversationId;
  return (
    <>
      {props.messages.map((m) => {
        const markers = [];
        if (lastConversation !== undefined && m.conversationId !== lastConversation) {
          markers.push(
            <p class="conv-start" data-marker>
              Conversation #{m.conversationId} on {m.channel}
            </p>,
          );
        }
        lastConversation = m.conversationId;
        const switched = switches.get(m.id);
        if (switched)
          markers.push(
            <p class="switch" data-marker>
              Continued on {switched.to} after {switched.from}
            </p>,
          );
        return (
          <>
            {markers}
            <MessageItem message={m} files={props.files} agentNames={props.agentNames} csrf={props.csrf} />
          </>
        );
      })}
    </>
  );
}
