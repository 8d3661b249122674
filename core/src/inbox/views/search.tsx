/** @jsxImportSource hono/jsx */
/**
 * Search results in the main pane: matching messages with highlighted snippets (safe HTML from the
 * store's search, where the text is escaped before the <mark> tags are added).
 */
import { raw } from "hono/html";
import type { MessageHit } from "../../store/search.ts";
import { relativeTime } from "./time.ts";

export function SearchResults(props: { query: string; hits: MessageHit[]; now: number }) {
  return (
    <main class="pane" id="main" aria-label="Search results">
      <section class="timeline">
        <h1 style="font-size:16px;margin:0">Results for “{props.query}”</h1>
        {props.hits.length === 0 ? <p class="muted">Nothing found.</p> : null}
        {props.hits.map((hit) => (
          <article class={`msg ${hit.direction}`}>
            <div class="meta">
              <span class="chan">{hit.channel}</span>
              <a href={`/inbox/conversations/${hit.conversation_id}#m-${hit.id}`}>Conversation #{hit.conversation_id}</a>
              <span>{relativeTime(hit.created_at, props.now)}</span>
            </div>
            <div class="body">{raw(hit.snippet)}</div>
          </article>
        ))}
      </section>
    </main>
  );
}
