/** @jsxImportSource hono/jsx */
/**
 * The assistant's inbox routes, each about one conversation the agent may see (the access rule):
 * - GET  …/assist/suggestions: the strip (every assistant's suggestions with their source, recorded as shown),
 *   after a summary of the contact's other conversations when they have some ("Previously");
 * - POST …/assist/draft: a reply draft as Server-Sent Events (`chunk` events, then `done` with its
 *   record id and the articles it drew on, or `failed`);
 * - POST …/assist/summarize: an abstractive summary (fragment);
 * - POST …/assist/translate: the conversation's incoming messages in the agent's language, stored
 *   on each message and swapped into the timeline (fragment with out-of-band messages), or with
 *   `?message=<id>` one message as it appears;
 * - POST …/assist/translate-reply and …/assist/rewrite: the composer's text translated into the
 *   customer's language, or rewritten for a channel (JSON, recorded as shown).
 * When no assistant answers, the agent is told so and writes as usual: these routes never answer
 * 5xx for an assistant's failure, and bad input is a 422 with the reason.
 */
import { and, desc, eq, inArray } from "drizzle-orm";
import { type Context, Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { z } from "zod";
import { visibleConversation } from "../../access/index.ts";
import { agentLanguage, assistantInputFor } from "../../assist/input.ts";
import { recordShown } from "../../assist/records.ts";
import { languageOf } from "../../contacts/read-values.ts";
import { describeError, ErrorCodes, SwitchboardError } from "../../errors/index.ts";
import type { Services } from "../../services.ts";
import { messages } from "../../store/schema.ts";
import { attachmentsOf } from "../conversation-data.ts";
import type { InboxEnv } from "../env.ts";
import { idParam } from "../id-param.ts";
import { readForm } from "../read-form.ts";
import { renderFragment } from "../render.ts";
import { AssistOutput, SuggestionStrip } from "../views/assist.tsx";
import { translationOf } from "../views/assisted-text.tsx";
import { MessageItem } from "../views/timeline.tsx";

type Ctx = Context<InboxEnv>;

/** Incoming messages Translate handles at once (the latest). */
const TRANSLATE_AT_ONCE = 20;
const NO_ANSWER = "The assistant could not answer just now. Write your reply as usual.";

const composerText = z.object({
  text: z.string().trim().min(1, { message: "write something first" }).max(20_000),
  inbox: z.string().max(64).optional(),
});

export function assistRoutes(sb: Services): Hono<InboxEnv> {
  const app = new Hono<InboxEnv>();
  const base = "/inbox/conversations/:id/assist";

  /** The conversation (if the agent may see it), its assistant input, and who is asking. */
  async function context(c: Ctx) {
    const viewer = c.get("viewer");
    const { conversation, contact } = await visibleConversation(sb.store.db, viewer, idParam(c));
    const language = agentLanguage(c.req.header("Accept-Language"));
    const to = { conversationId: conversation.id, agentId: c.get("session").agent.id };
    return { conversation, contact, viewer, language, to, input: () => assistantInputFor(sb, conversation, contact, viewer, language) };
  }

  app.get(`${base}/suggestions`, async (c) => {
    const { to, input } = await context(c);
    const asked = await input();
    const [withSources, plain, previously] = await Promise.all([
      sb.assistants.all("suggestions", asked),
      sb.assistants.all("suggest", asked),
      asked.history?.length ? sb.assistants.run("summarizeContact", asked) : null,
    ]);
    const offered = [
      ...withSources.flatMap((a) => a.value.slice(0, 3).map((s) => ({ plugin: a.plugin, text: s.text, label: s.label }))),
      ...plain
        .filter((a) => !withSources.some((w) => w.plugin === a.plugin))
        .flatMap((a) => a.value.slice(0, 3).map((text) => ({ plugin: a.plugin, text, label: a.plugin }))),
    ].filter((s) => s.text.trim() !== "");
    const ids = await recordShown(
      sb,
      to,
      offered.map((s) => ({ plugin: s.plugin, kind: "suggest" as const, text: s.text })),
    );
    return renderFragment(
      c,
      <>
        {previously ? <AssistOutput title="Previously" plugin={previously.plugin} text={previously.value} /> : null}
        <SuggestionStrip items={offered.map((s, i) => ({ ...s, id: ids[i]! }))} />
      </>,
    );
  });

  app.post(`${base}/draft`, async (c) => {
    const { to, input } = await context(c);
    const asked = await input();
    // Bun.serve closes a connection idle for 10 s by default; a slow model may pause longer.
    const server = c.env as { timeout?: (request: Request, seconds: number) => void } | undefined;
    if (typeof server?.timeout === "function") server.timeout(c.req.raw, 0);
    const controller = new AbortController();
    return streamSSE(c, async (stream) => {
      stream.onAbort(() => controller.abort());
      const draft = await sb.assistants.stream({ ...asked, signal: controller.signal });
      if (!draft) {
        await stream.writeSSE({ event: "failed", data: JSON.stringify({ message: NO_ANSWER }) });
        return;
      }
      let text = "";
      try {
        for await (const chunk of draft.chunks) {
          text += chunk;
          await stream.writeSSE({ event: "chunk", data: JSON.stringify({ text: chunk }) });
        }
      } catch (error) {
        // Already logged by Assistants with the plugin's code; the agent keeps what came.
        await stream.writeSSE({
          event: "failed",
          data: JSON.stringify({ message: NO_ANSWER, partial: text, error: describeError(error).code }),
        });
        return;
      }
      if (!text.trim()) {
        await stream.writeSSE({ event: "failed", data: JSON.stringify({ message: NO_ANSWER }) });
        return;
      }
      const [id] = await recordShown(sb, to, [{ plugin: draft.plugin, kind: "draft", text }]);
      const sources = (asked.articles ?? []).map((a, i) => `[${i + 1}] ${a.title}`);
      await stream.writeSSE({ event: "done", data: JSON.stringify({ id, plugin: draft.plugin, sources }) });
    });
  });

  app.post(`${base}/summarize`, async (c) => {
    const { input } = await context(c);
    // Every assistant's summary, each marked with its plugin (an extractive one and a model's may differ).
    const answers = await sb.assistants.all("summarize", await input());
    if (answers.length === 0) return renderFragment(c, <AssistOutput title="Summary" text={NO_ANSWER} />);
    return renderFragment(
      c,
      // biome-ignore lint/complexity/noUselessFragments: one node, as String() of an array would join the outputs with commas
      <>
        {answers.map((a) => (
          <AssistOutput title="Summary" plugin={a.plugin} text={a.value} />
        ))}
      </>,
    );
  });

  app.post(`${base}/translate`, async (c) => {
    const { conversation, language } = await context(c);
    // `?message=<id>`: that message only (static/assist.js asks as a message marked with another
    // language appears), answered as the message itself, or 204 when there is nothing to translate.
    const one = c.req.query("message") ? Number(c.req.query("message")) : undefined;
    if (one !== undefined && !Number.isSafeInteger(one)) throw new SwitchboardError(ErrorCodes.VALIDATION, "message: give a message id.");
    const incoming = (
      await sb.store.db
        .select()
        .from(messages)
        .where(
          and(
            eq(messages.conversationId, conversation.id),
            eq(messages.direction, "incoming"),
            one === undefined ? undefined : eq(messages.id, one),
          ),
        )
        .orderBy(desc(messages.createdAt), desc(messages.id))
        .limit(TRANSLATE_AT_ONCE)
    ).filter((m) => m.text.trim() !== "" && translationOf(m)?.language !== language && languageOf(m.metadata.language) !== language);
    if (one !== undefined && incoming.length === 0) return c.body(null, 204);
    const done = [];
    for (const m of incoming.reverse()) {
      const from = languageOf(m.metadata.language);
      const answer = await sb.assistants.run("translate", { text: m.text, to: language, inbox: m.inbox, ...(from ? { from } : {}) });
      if (!answer) break;
      const translations = {
        ...((m.metadata.translations as Record<string, unknown> | undefined) ?? {}),
        [language]: { text: answer.value, plugin: answer.plugin },
      };
      const metadata = { ...m.metadata, translations };
      await sb.store.write((tx) => tx.update(messages).set({ metadata }).where(eq(messages.id, m.id)));
      done.push({ ...m, metadata });
    }
    const note =
      done.length === incoming.length
        ? done.length
          ? `Translated ${done.length} message${done.length === 1 ? "" : "s"} into ${language}; each keeps its original.`
          : `Every customer message here is already in ${language}.`
        : `${NO_ANSWER} (${done.length} of ${incoming.length} translated.)`;
    const files = await attachmentsOf(
      sb,
      done.map((m) => m.id),
    );
    const agentNames = new Map<number, string>();
    if (one !== undefined) {
      if (!done[0]) return c.body(null, 204);
      return renderFragment(c, <MessageItem message={done[0]} files={files} agentNames={agentNames} csrf={c.get("session").csrfToken} />);
    }
    return renderFragment(
      c,
      <>
        <AssistOutput title="Translation" text={note} />
        {done.map((m) => (
          <MessageItem message={m} files={files} agentNames={agentNames} csrf={c.get("session").csrfToken} oob />
        ))}
      </>,
    );
  });

  /** The inbox the reply goes out on: the conversation's, or another the agent may reply on (else 422). */
  function replyInbox(c: Ctx, conversation: { inbox: string }, name: string | undefined) {
    const inboxName = name || conversation.inbox;
    const inbox = sb.inboxes.get(inboxName);
    if (!inbox || (inboxName !== conversation.inbox && !c.get("viewer").inboxes.includes(inboxName)))
      throw new SwitchboardError(ErrorCodes.VALIDATION, `inbox: "${inboxName}" is not an inbox you can reply on.`);
    return inbox;
  }

  app.post(`${base}/translate-reply`, async (c) => {
    const { conversation, language, to } = await context(c);
    const form = await readForm(c, composerText);
    const inbox = replyInbox(c, conversation, form.inbox);
    const customer = await customerLanguage(sb, conversation.id, conversation.inbox);
    if (!customer) return c.json({ text: null, message: `Could not tell which language the customer writes in. ${NO_ANSWER}` });
    if (customer === language)
      return c.json({ text: null, message: `The customer writes in your language (${language}): nothing to translate.` });
    const answer = await sb.assistants.run("translate", {
      text: form.text,
      to: customer,
      from: language,
      inbox: inbox.name,
    });
    if (!answer) return c.json({ text: null, message: NO_ANSWER });
    const [id] = await recordShown(sb, to, [{ plugin: answer.plugin, kind: "translate", text: answer.value }]);
    return c.json({ id, text: answer.value, plugin: answer.plugin, from: language, to: customer, of: form.text });
  });

  app.post(`${base}/rewrite`, async (c) => {
    const { conversation, to } = await context(c);
    const form = await readForm(c, composerText);
    const inbox = replyInbox(c, conversation, form.inbox);
    const tone = sb.loaded.config.inboxes[inbox.name]?.tone;
    const answer = await sb.assistants.run("rewrite", { text: form.text, channel: inbox.channel, tone, inbox: inbox.name });
    if (!answer) return c.json({ text: null, message: NO_ANSWER });
    const [id] = await recordShown(sb, to, [{ plugin: answer.plugin, kind: "rewrite", text: answer.value }]);
    return c.json({ id, text: answer.value, plugin: answer.plugin, channel: inbox.channel });
  });

  return app;
}

/**
 * The language the customer writes in: a language stored on their latest messages (`metadata.language`,
 * from a language-detecting assistant), else what an assistant's `language` hook says of them.
 */
async function customerLanguage(sb: Services, conversationId: number, inbox: string): Promise<string | null> {
  const latest = await sb.store.db
    .select({ text: messages.text, metadata: messages.metadata })
    .from(messages)
    .where(and(eq(messages.conversationId, conversationId), inArray(messages.direction, ["incoming"])))
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(3);
  const stored = latest.map((m) => m.metadata.language).find((l): l is string => typeof l === "string" && l !== "");
  if (stored) return stored.toLowerCase().split("-")[0]!;
  const text = latest
    .map((m) => m.text)
    .join("\n")
    .trim();
  if (!text) return null;
  return (await sb.assistants.run("language", { text, inbox }))?.value ?? null;
}
