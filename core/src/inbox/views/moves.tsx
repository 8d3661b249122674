/** @jsxImportSource hono/jsx */
/**
 * Conversation merges and splits in the inbox: the header's "Undo" for each recent one (a plain
 * form, submitted by htmx, that lands on the conversation that got its messages back), and the page
 * where an agent selects the messages to split into a new conversation.
 */
import type { Message } from "../../store/messages.ts";
import type { MoveView } from "../moves-data.ts";
import { CsrfField } from "./csrf.tsx";
import { fullTime } from "./time.ts";

const link = (id: number) => <a href={`/inbox/conversations/${id}`}>#{id}</a>;

/** What a move did, seen from `conversationId`. */
function describe(move: MoveView, conversationId: number) {
  if (move.kind === "merge")
    return move.targetId === conversationId ? (
      <>#{move.sourceId} was merged into this conversation</>
    ) : (
      <>Merged into {link(move.targetId)}</>
    );
  return move.targetId === conversationId ? <>Split from {link(move.sourceId)}</> : <>Messages were split into {link(move.targetId)}</>;
}

export function MoveUndos(props: { moves: MoveView[]; conversationId: number; csrf: string }) {
  if (props.moves.length === 0) return null;
  return (
    <ul class="moves" aria-label="Merges and splits">
      {props.moves.map((m) => (
        <li>
          {describe(m, props.conversationId)} <span class="muted">{fullTime(m.createdAt)}</span>{" "}
          <form
            method="post"
            action={`/inbox/conversation-moves/${m.id}/undo`}
            hx-post={`/inbox/conversation-moves/${m.id}/undo`}
            style="display:inline"
            aria-label={`Undo ${m.kind} ${m.id}`}
          >
            <CsrfField token={props.csrf} />
            <button>Undo {m.kind}</button>
          </form>
        </li>
      ))}
    </ul>
  );
}

/** The split page's form: each message of the conversation with a checkbox; activity entries cannot move. */
export function SplitForm(props: { conversationId: number; messages: Message[]; csrf: string; error?: string }) {
  const action = `/inbox/conversations/${props.conversationId}/actions/split`;
  return (
    <main class="split">
      <h1>Split conversation #{props.conversationId}</h1>
      <p>
        Select the messages that start a new topic. They move into a new conversation of the same contact, with its own status, assignee and
        SLA. You can undo it.
      </p>
      {props.error ? (
        <p class="error" role="alert">
          {props.error}
        </p>
      ) : null}
      <form method="post" action={action}>
        <CsrfField token={props.csrf} />
        <fieldset>
          <legend>Messages</legend>
          {props.messages
            .filter((m) => m.direction !== "activity")
            .map((m) => (
              <label style="display:block">
                <input type="checkbox" name="message_id" value={String(m.id)} /> <span class="muted">{fullTime(m.createdAt)}</span>{" "}
                {m.direction === "incoming" ? "Customer" : m.direction === "note" ? "Note" : "Reply"}: {m.text.slice(0, 200)}
              </label>
            ))}
        </fieldset>
        <button class="primary">Move to a new conversation</button> <a href={`/inbox/conversations/${props.conversationId}`}>Cancel</a>
      </form>
    </main>
  );
}
