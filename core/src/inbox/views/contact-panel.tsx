/** @jsxImportSource hono/jsx */
/**
 * The identity parts of the contact sidebar: "Also reached out on …" lines, the conversation's case
 * across channels (resolve it whole), merge suggestions with
 * their evidence (merge or dismiss), merges that can be undone, and merging another contact in by
 * hand. Every button is a small form htmx posts in place; the sidebar comes back fresh.
 */
import type { ContactPanel } from "../../contacts/panel.ts";
import { CsrfField } from "./csrf.tsx";
import { relativeTime } from "./time.ts";

const ago = (at: number, now: number) => {
  const short = relativeTime(at, now);
  return short === "now" ? "just now" : /^\d{4}-/.test(short) ? `on ${short}` : `${short} ago`;
};

function Action(props: { action: string; label: string; csrf: string; children?: unknown; class?: string }) {
  return (
    <form class="inline" method="post" action={props.action} hx-post={props.action} hx-target="#contact-sidebar" hx-swap="outerHTML">
      <CsrfField token={props.csrf} />
      {props.children}
      <button class={props.class}>{props.label}</button>
    </form>
  );
}

/** "Also reached out on Telegram 1d ago: <summary line>", one line per other recent conversation. */
export function ElsewhereLines(props: { panel: ContactPanel; now: number }) {
  if (props.panel.elsewhere.length === 0) return null;
  return (
    <section class="elsewhere" aria-label="Other channels">
      {props.panel.elsewhere.map((line) => (
        <p class="notice">
          Also reached out on <strong>{line.inboxName}</strong> {ago(line.at, props.now)}:{" "}
          <a href={`/inbox/conversations/${line.conversation.id}`}>{line.summary}</a>
        </p>
      ))}
    </section>
  );
}

/**
 * The conversation's case: its conversations on every channel together, with their status, and
 * (while others are still open) a button that resolves them all.
 */
export function CaseLines(props: { panel: ContactPanel; base: string; csrf: string }) {
  const found = props.panel.case;
  if (!found) return null;
  const open = found.conversations.filter((c) => !c.current && c.status !== "resolved");
  return (
    <section class="case" aria-label="Case">
      <h2>
        Case #{found.id} <span class="muted">({found.status})</span>
      </h2>
      <ul>
        {found.conversations.map((c) => (
          <li>
            {c.current ? (
              <strong>
                {c.inboxName} #{c.id}
              </strong>
            ) : (
              <a href={`/inbox/conversations/${c.id}`}>
                {c.inboxName} #{c.id}
              </a>
            )}{" "}
            <span class="muted">{c.status}</span>
          </li>
        ))}
      </ul>
      {open.length > 0 ? (
        <Action action={`${props.base}/case/resolve`} csrf={props.csrf} label={`Resolve the whole case (${open.length} more open)`} />
      ) : null}
    </section>
  );
}

/** Open merge suggestions, each with its evidence and Merge / Dismiss. */
export function Suggestions(props: { panel: ContactPanel; base: string; csrf: string }) {
  if (props.panel.suggestions.length === 0) return null;
  return (
    <section class="suggestions" aria-label="Possible duplicates">
      <h2>Possibly the same person</h2>
      {props.panel.suggestions.map(({ suggestion, other }) => (
        <div class="suggestion" id={`suggestion-${suggestion.id}`}>
          <p>
            <strong>{other.name ?? `Contact #${other.id}`}</strong>{" "}
            <span class="muted">
              #{other.id}
              {other.email ? ` · ${other.email}` : ""}
              {other.phone ? ` · ${other.phone}` : ""}
            </span>
          </p>
          <ul class="evidence">
            {suggestion.evidence.map((e) => (
              <li>
                {e.detail}
                {e.weight !== undefined ? <span class="muted"> · weight {e.weight}</span> : null}
              </li>
            ))}
          </ul>
          <Action
            action={`${props.base}/suggestions/${suggestion.id}/accept`}
            label="Merge into this contact"
            csrf={props.csrf}
            class="primary"
          />
          <Action action={`${props.base}/suggestions/${suggestion.id}/dismiss`} label="Not the same" csrf={props.csrf} />
        </div>
      ))}
    </section>
  );
}

/** Merges into this contact that still stand, with Undo; and a form to merge another contact in. */
export function Merges(props: { panel: ContactPanel; base: string; csrf: string; now: number }) {
  return (
    <section class="merges" aria-label="Merges">
      {props.panel.merges.length ? <h2>Merged contacts</h2> : null}
      <ul>
        {props.panel.merges.map((m) => (
          <li>
            {m.mergedName ?? `Contact #${m.mergedId}`}{" "}
            <span class="muted">
              #{m.mergedId} · {ago(m.at, props.now)}
            </span>{" "}
            <Action action={`${props.base}/merges/${m.mergeId}/undo`} label="Undo merge" csrf={props.csrf} />
          </li>
        ))}
      </ul>
      <details>
        <summary>Merge another contact into this one</summary>
        <Action action={`${props.base}/merge-contact`} label="Merge" csrf={props.csrf}>
          <label for="merge-other">Contact id or email</label> <input id="merge-other" name="other" required maxlength={256} />
        </Action>
      </details>
    </section>
  );
}
