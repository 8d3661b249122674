/** @jsxImportSource hono/jsx */
/**
 * The assistant bar above the composer: the suggestions strip (filled as the conversation opens),
 * the Draft / Summarise / Translate / Rewrite actions with their shortcuts, what they answer, and
 * the mark shown while the reply box holds assistant text. Everything an assistant wrote carries
 * "✦ Assistant" and its plugin. static/assist.js drives it; without assistants it is not rendered.
 */

/** Which kinds of help the configured assistants offer (Assistants.offers). */
export interface AssistOffers {
  suggest: boolean;
  draft: boolean;
  summarize: boolean;
  translate: boolean;
  rewrite: boolean;
}

/** The mark on any text that came from an assistant. */
export function AssistantMark(props: { plugin: string; what?: string }) {
  return (
    <span class="assist-badge" title={`Written by the assistant ${props.plugin}`}>
      ✦ Assistant{props.what ? ` · ${props.what}` : ""}
    </span>
  );
}

export function AssistBar(props: { conversationId: number; offers: AssistOffers; channel: string }) {
  const { offers } = props;
  const base = `/inbox/conversations/${props.conversationId}/assist`;
  return (
    <section class="assist" id="assist" aria-label="Assistant" data-assist-base={base}>
      {offers.suggest ? (
        <div class="assist-suggestions" id="assist-suggestions" hx-get={`${base}/suggestions`} hx-trigger="load" aria-live="polite">
          <p class="hint">Looking for suggestions…</p>
        </div>
      ) : null}
      <div class="assist-actions" role="toolbar" aria-label="Assistant actions">
        {offers.draft ? (
          <button type="button" data-assist-action="draft" aria-keyshortcuts="D Alt+D">
            Draft reply
          </button>
        ) : null}
        {offers.summarize ? (
          <button
            type="button"
            data-assist-action="summarize"
            hx-post={`${base}/summarize`}
            hx-target="#assist-output"
            aria-keyshortcuts="U Alt+U"
          >
            Summarise
          </button>
        ) : null}
        {offers.translate ? (
          <>
            <button
              type="button"
              data-assist-action="translate"
              hx-post={`${base}/translate`}
              hx-target="#assist-output"
              aria-keyshortcuts="T"
            >
              Translate
            </button>
            <button type="button" data-assist-action="translate-reply" aria-keyshortcuts="Alt+T">
              Translate my reply
            </button>
          </>
        ) : null}
        {offers.rewrite ? (
          <button type="button" data-assist-action="rewrite" aria-keyshortcuts="W Alt+W">
            Rewrite for <span data-rewrite-channel>{props.channel}</span>
          </button>
        ) : null}
        <span class="hint" data-assist-status role="status"></span>
      </div>
      <div id="assist-output" aria-live="polite"></div>
      <div class="assist-composer-mark" data-assist-mark hidden>
        <span class="assist-badge">✦ Assistant</span>{" "}
        <span data-assist-mark-text>text in your reply: read and edit it before sending.</span>{" "}
        <span class="hint" data-assist-sources></span>
      </div>
      <div class="assist-preview" data-assist-preview hidden>
        <p>
          <span class="assist-badge">✦ Assistant · translation</span> The customer will receive (<span data-preview-language></span>):
        </p>
        <blockquote data-preview-text></blockquote>
        <button type="button" data-assist-action="drop-translation">
          Send my own words instead
        </button>
      </div>
    </section>
  );
}

/** The suggestions strip: up to three per assistant, each with its source; 1–9 insert one. */
export function SuggestionStrip(props: { items: { id: number; text: string; label: string; plugin: string }[] }) {
  if (props.items.length === 0) return <p class="hint">No suggestions for this conversation.</p>;
  return (
    <ol class="assist-strip" aria-label="Suggested replies">
      {props.items.map((item, i) => (
        <li>
          <button
            type="button"
            data-assist-insert
            data-assist-id={String(item.id)}
            data-text={item.text}
            aria-keyshortcuts={i < 9 ? String(i + 1) : undefined}
          >
            <span class="assist-badge">✦ {i < 9 ? i + 1 : ""}</span> <span class="assist-text">{item.text}</span>
          </button>
          <span class="hint source">{item.label}</span>
        </li>
      ))}
    </ol>
  );
}

/** What Summarise or Translate answered (or why they could not). */
export function AssistOutput(props: { title: string; plugin?: string; text: string }) {
  return (
    <section class="assist-output" aria-label={props.plugin ? `${props.title} by ${props.plugin}` : props.title}>
      <h2>
        {props.title} {props.plugin ? <AssistantMark plugin={props.plugin} /> : null}
      </h2>
      <p class="body">{props.text}</p>
    </section>
  );
}
