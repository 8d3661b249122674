/** @jsxImportSource hono/jsx */
/**
 * What plugins found out about a customer's message, shown in its header: its language
 * (`metadata.language`), a negative sentiment (`metadata.sentiment`) and an urgent flag
 * (`metadata.urgent`). Neutral and positive sentiment are not shown: only what needs attention.
 */
import { languageOf } from "../../contacts/read-values.ts";
import type { Message } from "../../store/messages.ts";

const names = new Intl.DisplayNames(["en"], { type: "language" });

/** A language code's English name ("de" → "German"), or the code when unknown. */
function languageName(code: string): string {
  try {
    return names.of(code) ?? code;
  } catch {
    return code; // Intl refuses malformed codes; the code is still worth showing.
  }
}

export function MessageFacts(props: { message: Pick<Message, "direction" | "metadata"> }) {
  const { direction, metadata } = props.message;
  if (direction !== "incoming") return null;
  const language = languageOf(metadata.language);
  return (
    <>
      {language ? (
        <span class="badge lang" title={`Language: ${languageName(language)}`}>
          <abbr title={languageName(language)}>{language}</abbr>
        </span>
      ) : null}
      {metadata.sentiment === "negative" ? (
        <span class="badge" title="The message reads as unhappy">
          negative
        </span>
      ) : null}
      {metadata.urgent === true ? (
        <span class="badge failed" title="The message asks for urgent help">
          urgent
        </span>
      ) : null}
    </>
  );
}
