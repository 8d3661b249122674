/** @jsxImportSource hono/jsx */
/**
 * The reply window above the composer: the time left while it is open, and once only templates may
 * go out, one small form per approved template with its variables filled from the contact (the
 * agent can change them). Each form posts to the same route as the composer, with `template`,
 * `language` and `var.<key>` fields; it works without JavaScript.
 */
import type { ReplyWindowView } from "../reply-window-data.ts";
import { CsrfField } from "./csrf.tsx";

export function TemplatePicker(props: { conversationId: number; inbox: string; window: ReplyWindowView; csrf: string }) {
  const action = `/inbox/conversations/${props.conversationId}/messages`;
  const { window } = props;
  return (
    <section class="reply-window" data-reply-window={window.state} aria-label="Reply window">
      <p class={window.state === "open" ? "hint" : "error"} role="status">
        {window.summary}
      </p>
      {window.templatesError ? (
        <p class="error" role="alert">
          {window.templatesError}
        </p>
      ) : null}
      {window.templates.length ? (
        <details open>
          <summary>Send a template ({window.templates.length})</summary>
          {window.templates.map((t) => (
            <form method="post" action={action} hx-post={action} hx-swap="none" class="template" aria-label={`Template ${t.name}`}>
              <CsrfField token={props.csrf} />
              <input type="hidden" name="kind" value="reply" />
              <input type="hidden" name="text" value="" />
              <input type="hidden" name="inbox" value={props.inbox} />
              <input type="hidden" name="template" value={t.name} />
              <input type="hidden" name="language" value={t.language} />
              <p>
                <strong>{t.name}</strong> <span class="hint">{[t.language, t.category].filter(Boolean).join(" · ")}</span>
              </p>
              <p class="hint">{t.preview}</p>
              {t.variables.map((v) => (
                <label>
                  {`{{${v.key}}}`} <input name={`var.${v.key}`} value={v.value} required placeholder={v.example} maxlength={2000} />
                </label>
              ))}
              <button class="primary">Send template</button>
            </form>
          ))}
        </details>
      ) : null}
    </section>
  );
}
