/** @jsxImportSource hono/jsx */
/**
 * How the timeline shows what an assistant did to a message: an incoming message translated into
 * the agent's language (`metadata.translations[<lang>]`, the original one click away), a reply sent
 * in the customer's language (`metadata.translation`, with the agent's own words kept), and a reply
 * that started as an assistant's text (`metadata.assistant`).
 */
import type { Message } from "../../store/messages.ts";
import { AssistantMark } from "./assist.tsx";

interface StoredTranslation {
  text: string;
  plugin: string;
}

/** The translation of an incoming message to show, if any (the only one, or the first). */
export function translationOf(m: Pick<Message, "metadata">): (StoredTranslation & { language: string }) | undefined {
  const all = m.metadata.translations;
  if (!all || typeof all !== "object") return undefined;
  for (const [language, value] of Object.entries(all as Record<string, unknown>)) {
    const t = value as Partial<StoredTranslation>;
    if (typeof t.text === "string" && typeof t.plugin === "string") return { language, text: t.text, plugin: t.plugin };
  }
  return undefined;
}

/** The message body, with its translation and the assistant's mark when it has them. */
export function AssistedText(props: { message: Message; body: unknown }) {
  const m = props.message;
  const incoming = m.direction === "incoming" ? translationOf(m) : undefined;
  if (incoming) {
    return (
      <>
        <div class="body" lang={incoming.language}>
          {incoming.text}
        </div>
        <p class="assist-note">
          <AssistantMark plugin={incoming.plugin} what={`translated into ${incoming.language}`} />
        </p>
        <details class="original">
          <summary>Show the original</summary>
          <div class="body">{props.body}</div>
        </details>
      </>
    );
  }
  const sent = m.metadata.translation as { original?: unknown; to?: unknown; plugin?: unknown } | undefined;
  const assistant = m.metadata.assistant as { plugin?: unknown; kind?: unknown; edited?: unknown } | undefined;
  const marks = [];
  if (assistant && typeof assistant.plugin === "string")
    marks.push(<AssistantMark plugin={assistant.plugin} what={`${String(assistant.kind)}${assistant.edited ? ", edited" : ""}`} />);
  if (sent && typeof sent.plugin === "string")
    marks.push(<AssistantMark plugin={sent.plugin} what={`translated${typeof sent.to === "string" ? ` into ${sent.to}` : ""}`} />);
  return (
    <>
      <div class="body">{props.body}</div>
      {marks.length ? <p class="assist-note">{marks}</p> : null}
      {sent && typeof sent.original === "string" ? (
        <details class="original">
          <summary>Show what the agent wrote</summary>
          <div class="body">{sent.original}</div>
        </details>
      ) : null}
    </>
  );
}
