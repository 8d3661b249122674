/** @jsxImportSource hono/jsx */
/**
 * The composer: replies go out on the conversation's channel unless the agent picks another one the
 * contact has; note mode stores a private note instead. Shows the channel's tone hint and length
 * limit; typing `/` opens the canned-response picker (views/canned-picker.tsx, static/canned.js).
 * When the reply inbox's channel has a reply window, it shows the time left, and once only
 * templates may go out, the template picker beside the form (views/template-picker.tsx).
 */
import type { CannedOption } from "../canned/expand.ts";
import type { ReplyInbox } from "../conversation-data.ts";
import { CannedPicker } from "./canned-picker.tsx";
import { CsrfField } from "./csrf.tsx";
import { TemplatePicker } from "./template-picker.tsx";

export function Composer(props: {
  conversationId: number;
  inboxes: ReplyInbox[];
  canned: CannedOption[];
  csrf: string;
  error?: string;
  /** The agent's unsent text, kept across navigation (static/drafts.js saves it). */
  draft?: string;
}) {
  const primary = props.inboxes[0];
  const limit = primary?.maxTextLength;
  const action = `/inbox/conversations/${props.conversationId}/messages`;
  return (
    <>
      {primary?.window ? (
        <TemplatePicker conversationId={props.conversationId} inbox={primary.name} window={primary.window} csrf={props.csrf} />
      ) : null}
      <form class="composer" method="post" action={action} hx-post={action} hx-swap="none" data-reset-on-success aria-label="Reply">
        <CsrfField token={props.csrf} />
        {props.error ? (
          <p class="error" role="alert">
            {props.error}
          </p>
        ) : null}
        <label class="sr-only" for="reply-text">
          Message
        </label>
        <textarea
          id="reply-text"
          name="text"
          required
          maxlength={limit}
          placeholder="Write a reply… (/ for canned responses)"
          aria-autocomplete={props.canned.length ? "list" : undefined}
          aria-controls={props.canned.length ? "canned-picker" : undefined}
          data-draft-url={`/inbox/conversations/${props.conversationId}/draft`}
        >
          {props.draft ?? ""}
        </textarea>
        <CannedPicker options={props.canned} />
        <div class="row">
          <fieldset style="border:0;padding:0;margin:0;display:inline-flex;gap:8px">
            <legend class="sr-only">Reply or note</legend>
            <label>
              <input type="radio" name="kind" value="reply" checked /> Reply
            </label>
            <label>
              <input type="radio" name="kind" value="note" /> Private note
            </label>
          </fieldset>
          <label>
            <span class="sr-only">Send on</span>
            <select name="inbox" aria-label="Channel to reply on">
              {props.inboxes.map((i) => (
                <option
                  value={i.name}
                  data-max-length={i.maxTextLength === undefined ? undefined : String(i.maxTextLength)}
                  data-tone={i.tone}
                  data-window={i.window?.state}
                >{`${i.displayName} (${i.channel})${i.window && i.window.state !== "open" ? ` · ${i.window.state === "templates" ? "templates only" : i.window.state === "tag" ? "tagged replies" : "closed"}` : ""}`}</option>
              ))}
            </select>
          </label>
          <span class="hint" data-counter>
            {limit ? `0 / ${limit}` : "0"}
          </span>
          <span class="hint" data-tone-hint>
            {primary?.tone ? `Tone: ${primary.tone}` : ""}
          </span>
          <button class="primary" style="margin-left:auto">
            Send
          </button>
        </div>
      </form>
    </>
  );
}
