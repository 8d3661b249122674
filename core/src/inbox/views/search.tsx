/** @jsxImportSource hono/jsx */
/**
 * Search results in the main pane: the contacts whose name, email or phone match (each opening their
 * newest conversation), then matching messages with the customer's name and highlighted snippets
 * (safe HTML from the store's search, where the text is escaped before the <mark> tags are added).
 * Links keep the list's filters.
 */
import { raw } from "hono/html";
import type { ContactHit } from "../../contacts/search.ts";
import type { MessageHit } from "../../store/search.ts";
import { type ListQuery, listHref } from "../filters.ts";
import { relativeTime } from "./time.ts";

export function SearchResults(props: {
  query: string;
  contacts: ContactHit[];
  hits: MessageHit[];
  names: Map<number, string | null>;
  listQuery: ListQuery;
  now: number;
}) {
  const keep = listHref(props.listQuery, {}, "");
  const open = (conversationId: number, anchor = "") => `/inbox/conversations/${conversationId}${keep}${anchor}`;
  return (
    <main class="pane" id="main" aria-label="Search results">
      <section class="timeline">
        <h1 style="font-size:16px;margin:0">Results for “{props.query}”</h1>
        {props.contacts.length === 0 && props.hits.length === 0 ? <p class="muted">Nothing found.</p> : null}
        {props.contacts.length ? (
          <section aria-label="Contacts" class="search-contacts">
            <h2 style="font-size:14px">Contacts</h2>
            <ul>
              {props.contacts.map((contact) => (
                <li data-contact={contact.id}>
                  {contact.conversationId ? (
                    <a href={open(contact.conversationId)}>{contact.name ?? `Contact #${contact.id}`}</a>
                  ) : (
                    <span>{contact.name ?? `Contact #${contact.id}`}</span>
                  )}{" "}
                  <span class="muted">{[contact.email, contact.phone].filter(Boolean).join(" · ")}</span>
                </li>
              ))}
            </ul>
          </section>
        ) : null}
        {props.hits.length ? <h2 style="font-size:14px">Messages</h2> : null}
        {props.hits.map((hit) => (
          <article class={`msg ${hit.direction}`}>
            <div class="meta">
              <span class="chan">{hit.channel}</span>
              <a href={open(hit.conversation_id, `#m-${hit.id}`)}>
                {props.names.get(hit.contact_id) ?? "Unknown customer"} · Conversation #{hit.conversation_id}
              </a>
              <span>{relativeTime(hit.created_at, props.now)}</span>
            </div>
            <div class="body">{raw(hit.snippet)}</div>
          </article>
        ))}
      </section>
    </main>
  );
}
