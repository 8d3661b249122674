/** @jsxImportSource hono/jsx */
/**
 * The conversation's header: who and where, then its actions (self-assign, assign to an agent or
 * team, status with snooze, priority, labels, merge, split, ask to verify an email or a phone), and
 * the merges and splits that can be undone. Each is a plain form that htmx submits in place; the
 * server answers with a fresh header.
 */
import type { ConversationPageData } from "../conversation-data.ts";
import { CsrfField } from "./csrf.tsx";
import { MoveUndos } from "./moves.tsx";
import { SnoozePresets } from "./snooze-presets.tsx";
import { HeaderTags } from "./tags.tsx";
import { fullTime } from "./time.ts";

export function ConversationHeader(props: {
  data: Pick<ConversationPageData, "conversation" | "contact" | "agents" | "teams" | "labels" | "moves">;
  csrf: string;
  selfId: number;
  error?: string;
}) {
  const { conversation: c, contact } = props.data;
  const base = `/inbox/conversations/${c.id}/actions`;
  const form = (action: string, children: unknown, label: string) => (
    <form
      method="post"
      action={`${base}/${action}`}
      hx-post={`${base}/${action}`}
      hx-target="#conv-head"
      hx-swap="outerHTML"
      aria-label={label}
    >
      <CsrfField token={props.csrf} />
      {children}
    </form>
  );
  return (
    <header
      class="conv-head"
      id="conv-head"
      hx-get={`/inbox/conversations/${c.id}/head`}
      hx-trigger={`sse:conv-${c.id}-meta`}
      hx-swap="outerHTML"
    >
      <h1>
        {contact.name ?? `Contact #${contact.id}`} <span class="muted">#{c.id}</span>
      </h1>
      <span class="badge">{c.channel}</span>
      <span class="badge">
        {c.status}
        {c.status === "snoozed" && c.snoozedUntil ? ` until ${fullTime(c.snoozedUntil)}` : ""}
      </span>
      <HeaderTags priority={c.priority} labels={props.data.labels} />
      {props.error ? (
        <p class="error" role="alert">
          {props.error}
        </p>
      ) : null}
      <MoveUndos moves={props.data.moves} conversationId={c.id} csrf={props.csrf} />
      {c.assigneeId !== props.selfId
        ? form(
            "assign",
            <>
              <input type="hidden" name="assignee" value={String(props.selfId)} />
              <button>Assign to me</button>
            </>,
            "Assign to me",
          )
        : null}
      {form(
        "assign",
        <>
          <label for="assignee" class="sr-only">
            Assignee
          </label>
          <select id="assignee" name="assignee">
            <option value="">Unassigned</option>
            {props.data.agents
              .filter((a) => a.deactivatedAt === null || a.id === c.assigneeId)
              .map((a) => (
                <option value={String(a.id)} selected={c.assigneeId === a.id}>{`${a.name} (${a.availability})`}</option>
              ))}
          </select>
          <label for="team" class="sr-only">
            Team
          </label>
          <select id="team" name="team">
            <option value="">No team</option>
            {props.data.teams.map((t) => (
              <option value={String(t.id)} selected={c.teamId === t.id}>
                {t.name}
              </option>
            ))}
          </select>
          <button>Assign</button>
        </>,
        "Assign",
      )}
      {c.status !== "resolved"
        ? form(
            "status",
            <>
              <input type="hidden" name="status" value="resolved" />
              <button data-shortcut="resolve">Resolve</button>
            </>,
            "Resolve",
          )
        : form(
            "status",
            <>
              <input type="hidden" name="status" value="open" />
              <button>Reopen</button>
            </>,
            "Reopen",
          )}
      {c.status !== "pending"
        ? form(
            "status",
            <>
              <input type="hidden" name="status" value="pending" />
              <button data-shortcut="pending">Pending</button>
            </>,
            "Mark pending",
          )
        : null}
      <details class="more-actions">
        <summary>More</summary>
        <div class="more-body">
          {form(
            "status",
            <>
              <input type="hidden" name="status" value="snoozed" />
              <label for="snooze-until" class="sr-only">
                Snooze until (your time)
              </label>
              <input id="snooze-until" type="datetime-local" name="until" required />
              <button>Snooze</button>
              <SnoozePresets />
            </>,
            "Snooze",
          )}
          {form(
            "priority",
            <>
              <label for="priority" class="sr-only">
                Priority
              </label>
              <select id="priority" name="priority">
                {(["none", "low", "medium", "high", "urgent"] as const).map((p) => (
                  <option value={p} selected={c.priority === p}>
                    {p === "none" ? "No priority" : p}
                  </option>
                ))}
              </select>
              <button>Set</button>
            </>,
            "Priority",
          )}
          {props.data.labels.length
            ? form(
                "labels",
                <>
                  <fieldset data-shortcut="labels" style="border:0;padding:0;margin:0;display:inline-flex;gap:6px">
                    <legend class="sr-only">Labels</legend>
                    {props.data.labels.map((l) => (
                      <label>
                        <input type="checkbox" name="label" value={l.name} checked={l.attached} /> {l.name}
                      </label>
                    ))}
                  </fieldset>
                  <button>Save labels</button>
                </>,
                "Labels",
              )
            : null}
          {form(
            "merge",
            <>
              <label for="merge-into">Merge into #</label>
              <input id="merge-into" name="into" type="number" min="1" style="width:6em" required />
              <button>Merge</button>
            </>,
            "Merge into another conversation",
          )}
          <a href={`/inbox/conversations/${c.id}/split`} title="Select messages of this conversation and move them into a new one">
            Split messages…
          </a>
          {form(
            "verify-email",
            <button title="Sends a code and a link to the email the customer gave (or first asks them for one here), and links the contacts once they prove it">
              Ask to verify an email
            </button>,
            "Ask to verify an email",
          )}
          {form(
            "verify-phone",
            <button title="Sends a code and a link to the phone number the customer gave (or first asks them for one here) on a channel that reaches phones, and links the contacts once they prove it">
              Ask to verify a phone
            </button>,
            "Ask to verify a phone",
          )}
        </div>
      </details>
    </header>
  );
}
