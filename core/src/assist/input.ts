/**
 * What assistants are told about a conversation (`AssistantInput`): its latest messages, the
 * contact's messages in their other conversations (the inboxes the agent may see, any channel),
 * the facts enrichment found, and the published knowledge-base articles that best match what the
 * customer last wrote. Built once per request, only from what the agent may see.
 */
import type { Viewer } from "../access/index.ts";
import { getArticle } from "../knowledge/articles.ts";
import { markdownToText } from "../knowledge/markdown.ts";
import { searchArticles } from "../knowledge/search.ts";
import type { AssistantInput } from "../plugins/types.ts";
import type { Services } from "../services.ts";
import type { Contact } from "../store/contacts.ts";
import type { Conversation } from "../store/conversations.ts";
import { contactTimeline } from "../store/timeline.ts";

/** Messages of the conversation sent along (assistants may send fewer). */
const CONVERSATION_MESSAGES = 50;
/** Messages of the contact's other conversations sent along. */
const HISTORY_MESSAGES = 20;
/** Articles sent along. */
const ARTICLES = 3;

const asLine = (m: { conversationId: number; direction: string; text: string; channel: string; createdAt: number; inbox: string }) => ({
  conversationId: m.conversationId,
  inbox: m.inbox,
  direction: m.direction,
  text: m.text,
  channel: m.channel,
  createdAt: m.createdAt,
});

/**
 * The assistant input for a conversation, as the viewing agent may see it.
 *
 * @example
 * const input = await assistantInputFor(sb, conversation, contact, viewer, "en");
 * const summary = await sb.assistants.run("summarize", input);
 */
export async function assistantInputFor(
  sb: Pick<Services, "store">,
  conversation: Conversation,
  contact: Contact,
  viewer: Viewer,
  language: string,
): Promise<AssistantInput> {
  const timeline = await contactTimeline(sb.store.db, contact.id, { limit: 400, latest: true, inboxes: viewer.inboxes });
  const spoken = timeline.filter((m) => m.direction !== "activity" && m.text.trim() !== "");
  const own = spoken.filter((m) => m.conversationId === conversation.id).slice(-CONVERSATION_MESSAGES);
  const history = spoken.filter((m) => m.conversationId !== conversation.id).slice(-HISTORY_MESSAGES);
  const asked = own
    .filter((m) => m.direction === "incoming")
    .slice(-2)
    .map((m) => m.text)
    .join(" ");
  const hits = asked ? await searchArticles(sb.store.db, asked, { limit: ARTICLES }) : [];
  const articles = [];
  for (const hit of hits) {
    const article = await getArticle(sb.store.db, hit.id, { publishedOnly: true });
    articles.push({ id: article.id, title: article.title, body: markdownToText(article.body) });
  }
  const facts = (contact.attributes as { enrichment?: Record<string, unknown> }).enrichment ?? {};
  return {
    conversationId: conversation.id,
    inbox: conversation.inbox,
    channel: conversation.channel,
    messages: own.map(asLine),
    history: history.map(asLine),
    contact: { id: contact.id, name: contact.name, facts },
    articles,
    language,
  };
}

/**
 * The agent's language: the first of the browser's Accept-Language ("de-AT,de;q=0.9" → "de"), else "en".
 *
 * @example
 * agentLanguage(c.req.header("Accept-Language")); // "de"
 */
export function agentLanguage(acceptLanguage: string | undefined): string {
  const first = acceptLanguage?.split(",")[0]?.split(";")[0]?.trim();
  const match = first ? /^([a-z]{2,3})(?:-|$)/i.exec(first) : null;
  return match?.[1]?.toLowerCase() ?? "en";
}
