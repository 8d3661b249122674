/**
 * Extractive summaries, no model: the sentences that carry the conversation's most frequent
 * content words (a centroid score: each sentence's terms weighted by how often the conversation
 * uses them and how few sentences do), the customer's two best and the agent's best, in order; the
 * dates, amounts, emails, links and reference numbers mentioned (wink-nlp's entities and a pattern
 * for ids like A-1001); and who wrote last. For a contact's history, one clause per earlier
 * conversation: "Previously: on Telegram (#12, 3 Mar), asked about …".
 */
import { english } from "./nlp.ts";
import { terms } from "./words.ts";

export interface SummaryMessage {
  direction: string;
  text: string;
  channel: string;
  createdAt: number;
}

interface Sentence {
  text: string;
  incoming: boolean;
  order: number;
  terms: string[];
  score: number;
}

const REFERENCE = /(?<![\p{L}\p{N}])(?:[A-Z]{1,5}-?\d{3,}|#\d{3,})(?![\p{L}\p{N}])/gu;
const ENTITY_TYPES = new Set(["DATE", "MONEY", "EMAIL", "URL", "TIME"]);
const MAX_SENTENCE = 220;

function sentencesOf(messages: SummaryMessage[]): Sentence[] {
  const out: Sentence[] = [];
  for (const message of messages) {
    if (message.direction !== "incoming" && message.direction !== "outgoing") continue;
    for (const raw of message.text.split(/(?<=[.!?])\s+|\n+/u)) {
      const text = raw.trim();
      if (text.length < 3) continue;
      out.push({ text, incoming: message.direction === "incoming", order: out.length, terms: terms(text), score: 0 });
    }
  }
  return out;
}

function score(sentences: Sentence[]): void {
  const frequency = new Map<string, number>();
  const spread = new Map<string, number>();
  for (const s of sentences) {
    for (const t of s.terms) frequency.set(t, (frequency.get(t) ?? 0) + 1);
    for (const t of new Set(s.terms)) spread.set(t, (spread.get(t) ?? 0) + 1);
  }
  const n = sentences.length;
  for (const s of sentences) {
    let sum = 0;
    for (const t of new Set(s.terms)) sum += (frequency.get(t) ?? 0) * Math.log(1 + n / (spread.get(t) ?? 1));
    s.score = s.terms.length === 0 ? 0 : sum / Math.sqrt(s.terms.length + 2);
  }
}

function best(sentences: Sentence[], incoming: boolean, count: number): Sentence[] {
  const seen = new Set<string>();
  return sentences
    .filter((s) => s.incoming === incoming && s.terms.length > 0)
    .sort((a, b) => b.score - a.score || a.order - b.order)
    .filter((s) => {
      const key = s.text.toLowerCase();
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .slice(0, count)
    .sort((a, b) => a.order - b.order);
}

const clip = (text: string, max = MAX_SENTENCE) => (text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`);

/**
 * What the texts mention: reference numbers (anywhere) and dates, amounts, emails and links (wink-nlp,
 * in the last 3000 characters), each once, at most eight.
 *
 * @example
 * mentions(["I paid 9.99 EUR on 12 March for A-1001"]); // ["A-1001", "12 March", ...]
 */
export function mentions(texts: string[]): string[] {
  const found = new Set<string>();
  const joined = texts.join("\n");
  for (const match of joined.matchAll(REFERENCE)) if (found.size < 4) found.add(match[0]);
  // wink-nlp reads the most recent 3000 characters (its cost grows with the text; the reference
  // pattern above covers all of it).
  const nlp = english();
  const doc = nlp.readDoc(joined.slice(-3000));
  for (const entity of doc.entities().out(nlp.its.detail) as unknown as { value: string; type: string }[]) {
    if (ENTITY_TYPES.has(entity.type)) found.add(entity.value.replace(/[.,;:]$/, ""));
  }
  return [...found].slice(0, 8);
}

/**
 * A conversation's summary in a few lines, or null when it holds no words.
 *
 * @example
 * summarizeConversation(messages);
 * // "The customer: I was charged twice for invoice A-1001.\nThe agent: I refunded 9.99 EUR.\nMentioned: A-1001, 9.99 EUR\nLast: the agent answered."
 */
export function summarizeConversation(messages: SummaryMessage[]): string | null {
  const sentences = sentencesOf(messages);
  if (sentences.length === 0) return null;
  score(sentences);
  const lines: string[] = [];
  const asked = best(sentences, true, 2);
  const answered = best(sentences, false, 1);
  if (asked.length > 0) lines.push(`The customer: ${asked.map((s) => clip(s.text)).join(" ")}`);
  if (answered.length > 0) lines.push(`The agent: ${answered.map((s) => clip(s.text)).join(" ")}`);
  const mentioned = mentions(messages.filter((m) => m.direction === "incoming").map((m) => m.text));
  if (mentioned.length > 0) lines.push(`Mentioned: ${mentioned.join(", ")}`);
  const last = [...messages].reverse().find((m) => m.direction === "incoming" || m.direction === "outgoing");
  if (last) lines.push(last.direction === "incoming" ? "Last: the customer wrote, waiting for an answer." : "Last: the agent answered.");
  return lines.join("\n");
}

const CHANNEL_NAMES: Record<string, string> = {
  telegram: "Telegram",
  discord: "Discord",
  whatsapp: "WhatsApp",
  "whatsapp-web": "WhatsApp",
  "whatsapp-cloud": "WhatsApp",
  messenger: "Messenger",
  instagram: "Instagram",
  webchat: "web chat",
  email: "email",
  api: "the API",
};

/** One earlier conversation, for a contact's history. */
export interface PastConversation {
  id: number;
  channel: string;
  createdAt: number;
  messages: SummaryMessage[];
}

/** What the customer asked about in one conversation: its best customer sentence, lower-cased, without closing punctuation. */
function topic(messages: SummaryMessage[]): string | null {
  const sentences = sentencesOf(messages);
  score(sentences);
  const [top] = best(sentences, true, 1);
  if (!top) return null;
  const text = clip(top.text.replace(/[.!?]+$/u, ""), 120);
  const references = [
    ...new Set(messages.filter((m) => m.direction === "incoming").flatMap((m) => [...m.text.matchAll(REFERENCE)].map((x) => x[0]))),
  ];
  const missing = references.filter((r) => !text.includes(r)).slice(0, 2);
  return `"${text}"${missing.length > 0 ? ` (${missing.join(", ")})` : ""}`;
}

const day = (at: number) => new Date(at).toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });

/**
 * A contact's earlier conversations in one line, newest first (at most five), or null when there are none with words.
 *
 * @example
 * summarizeHistory([{ id: 12, channel: "telegram", createdAt, messages }]);
 * // 'Previously: on Telegram (#12, 3 Mar 2026), asked "I was charged twice for invoice A-1001".'
 */
export function summarizeHistory(conversations: PastConversation[]): string | null {
  const clauses = [...conversations]
    .sort((a, b) => b.createdAt - a.createdAt)
    .map((c) => {
      const asked = topic(c.messages);
      return asked && `on ${CHANNEL_NAMES[c.channel] ?? c.channel} (#${c.id}, ${day(c.createdAt)}), asked ${asked}`;
    })
    .filter((clause): clause is string => clause !== null)
    .slice(0, 5);
  return clauses.length === 0 ? null : `Previously: ${clauses.join("; ")}.`;
}
