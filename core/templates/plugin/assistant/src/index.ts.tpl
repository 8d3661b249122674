/**
 * {{package}}: a Switchboard assistant. It suggests replies from a table of canned answers and
 * rewrites a draft to end with your signature. Agents see its proposals in the composer; nothing
 * is sent without them. Replace the table with your model or service and keep the rest.
 */
import { definePlugin } from "@switchboard/core";
import { z } from "zod";

/** `[plugins.<alias>.options]` (every key is in the README). */
export const options = z
  .object({
    /** Word in the customer's latest message (any case) to the reply to suggest. */
    answers: z.record(z.string(), z.string().min(1)).default({}),
    /** The line a rewritten draft ends with. */
    signature: z.string().min(1),
  })
  .strict();

export default definePlugin({
  name: "{{name}}",
  version: "0.1.0",
  core: "^1.0.0",
  options,
  setup(ctx) {
    const { answers, signature } = ctx.options;
    ctx.assistant({
      async suggest({ messages }) {
        const latest = messages.filter((m) => m.direction === "incoming").at(-1)?.text.toLowerCase() ?? "";
        const found = Object.entries(answers).filter(([word]) => latest.includes(word.toLowerCase()));
        return found.length > 0 ? found.map(([, answer]) => answer) : null; // null: let another assistant answer
      },
      async rewrite({ text }) {
        return text.trimEnd().endsWith(signature) ? null : `${text.trimEnd()}\n\n${signature}`;
      },
    });
  },
});
