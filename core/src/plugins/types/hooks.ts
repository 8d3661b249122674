/**
 * The plugin API, for hook authors: the inbound stages (normalise, identify, thread), enrichment,
 * routing and assistants, with what each hook is given and may answer.
 */
import type { IdentityScope } from "./channel.ts";
import type { InboundMessage } from "./message.ts";

/** A hook may be a bare handler, or `{ handler, order }` to run before ("pre") or after ("post") the others. */
export type Hook<F> = F | { handler: F; order?: "pre" | "post" };

export interface ConversationSnapshot {
  id: number | null;
  inbox: string;
  channel: string;
  status: string;
  assigneeId: number | null;
  teamId: number | null;
  isNew: boolean;
  /** The conversation's labels (none on a new conversation; set when an unassigned one is routed again). */
  labels?: string[];
}

export interface ContactSnapshot {
  id: number | null;
  name: string | null;
  email: string | null;
  phone: string | null;
  attributes: Record<string, unknown>;
  isNew: boolean;
}

/** One identifier of a contact: a channel identity ("telegram", "12345"), an email or a phone. */
export interface ContactIdentifier {
  /** A channel kind, "email" or "phone". */
  kind: string;
  value: string;
  /** True when a channel vouched for it; false for what the contact typed (a pre-chat form). */
  verified: boolean;
  /** The inbox the id means this contact in, for a channel whose ids are inbox-scoped (`ChannelAdapter.identityScope`); absent for global ids. */
  inbox?: string;
}

export interface EnrichInput {
  contact: ContactSnapshot;
  /** Everything the contact is known by, including what this message says (deduplicated). */
  identifiers: ContactIdentifier[];
  conversation: ConversationSnapshot;
  message: InboundMessage;
}
/**
 * Returns facts to store on the contact under `attributes.enrichment.<plugin>` (replacing that
 * plugin's earlier facts), or nothing when it knows nothing. Throw on failure; `signal` aborts at the timeout.
 */
export type EnrichHandler = (
  input: EnrichInput,
  signal: AbortSignal,
) => Promise<Record<string, unknown> | null | void> | Record<string, unknown> | null | void;

export interface RouteInput {
  contact: ContactSnapshot;
  conversation: ConversationSnapshot;
  message: InboundMessage;
}
export interface RouteDecision {
  assigneeId?: number | null;
  teamId?: number | null;
}
/** Returns a decision, or null to let the next strategy decide. */
export type RouteHandler = (input: RouteInput) => Promise<RouteDecision | null> | RouteDecision | null;

/** An agent as routing sees them. */
export interface AgentProfile {
  id: number;
  name: string;
  email: string;
  availability: "online" | "away" | "offline";
  /** Skills to match on (labels, "lang:de", facts), lower-case. */
  skills: string[];
  /** The most open conversations this agent takes; null: no limit. */
  capacity: number | null;
  /** Open conversations assigned to this agent now. */
  load: number;
  /** Ids of the teams the agent belongs to. */
  teams: number[];
  /** Online and below capacity: routing may assign them now. */
  available: boolean;
}

/**
 * What routing strategies know about agents. Core checks every decision again (an agent who is
 * not available is never assigned), so a strategy only has to pick.
 *
 * @example
 * const free = (await ctx.agents.forInbox(input.conversation.inbox)).filter((a) => a.available);
 */
export interface AgentDirectory {
  /** Agents who may answer in `inbox` (members of the teams given the inbox; everyone when no team is), or of `team` (a name). */
  forInbox(inbox: string, options?: { team?: string }): Promise<AgentProfile[]>;
  get(id: number): Promise<AgentProfile | undefined>;
  byEmail(email: string): Promise<AgentProfile | undefined>;
  /** The teams given `inbox` ([] when every agent may see it). */
  teamsOf(inbox: string): Promise<{ id: number; name: string }[]>;
  /** The agent of the contact's most recent other conversation that had one (active in the last `withinMs`, when given). */
  lastAssigneeOf(contactId: number, options?: { exceptConversationId?: number | null; withinMs?: number }): Promise<number | null>;
}

/** Tokens a model used for one answer (reported by assistants that call a model; shown on /metrics). */
export interface AssistantUsage {
  model: string;
  promptTokens: number;
  completionTokens: number;
}
/** What core passes to every assistant call besides its own input; all optional, so older plugins ignore them. */
export interface AssistantCall {
  /** The inbox the help is for (assistants with a per-inbox opt-in answer null elsewhere). */
  inbox?: string;
  /** Aborted when the agent goes away or the call times out. */
  signal?: AbortSignal;
  /** Report the tokens a model used (switchboard_assistant_tokens_total on /metrics). */
  usage?(usage: AssistantUsage): void;
}
export interface AssistantInput extends AssistantCall {
  conversationId: number;
  /** The latest messages, oldest first. */
  messages: {
    direction: string;
    text: string;
    channel: string;
    createdAt: number;
    /** The inbox it came or went through (since 1.1; absent from older cores). */
    inbox?: string;
  }[];
  channel: string;
  /** The contact, with the facts enrichment plugins found (`attributes.enrichment`). */
  contact?: { id: number; name: string | null; facts: Record<string, unknown> };
  /** The contact's messages in their other conversations (any channel), oldest first. */
  history?: { conversationId: number; direction: string; text: string; channel: string; createdAt: number; inbox?: string }[];
  /** Knowledge-base articles that best match the conversation, best first. */
  articles?: { id: number; title: string; body: string }[];
  /** The agent's language (BCP 47, e.g. "en"). */
  language?: string;
}
/** Where a suggested reply comes from, to show beside it: an article, a past answer, or a model. */
export type SuggestionSource =
  | { kind: "article"; articleId: number; title: string }
  | { kind: "conversation"; conversationId: number; messageId: number }
  | { kind: "model"; model: string };

/**
 * A reply an assistant proposes, with its source. Never sent by itself: the agent inserts and edits it.
 *
 * @example
 * const suggestion: ReplySuggestion = { text: "We refund within 14 days.", source: { kind: "article", articleId: 4, title: "Refunds" }, label: "Article: Refunds" };
 */
export interface ReplySuggestion {
  text: string;
  source: SuggestionSource;
  /** How to name the source to an agent ("Article: Refunds", "Answered for #1234"). */
  label: string;
  /** The assistant's own relevance, higher is better (comparable only within one answer). */
  score?: number;
}

/**
 * What an assistant may offer. Each hook answers null to pass (another assistant may answer).
 *
 * @example
 * ctx.assistant({
 *   async summarize(input) { return `${input.messages.length} messages`; },
 *   async *draft(input) { yield "Hello "; yield "there"; },
 * });
 */
export interface AssistantHooks {
  suggest?(input: AssistantInput): Promise<string[] | null>;
  /** Replies with their source, best first (the inbox shows the top three); `suggest` gives the same texts alone. */
  suggestions?(input: AssistantInput): Promise<ReplySuggestion[] | null>;
  summarize?(input: AssistantInput): Promise<string | null>;
  /**
   * A summary of the contact's other conversations on every channel (`input.history`; "Previously: on
   * Telegram, asked about …"), for when a customer switches channel or a conversation changes hands.
   */
  summarizeContact?(input: AssistantInput): Promise<string | null>;
  translate?(input: { text: string; to: string; from?: string } & AssistantCall): Promise<string | null>;
  rewrite?(input: { text: string; channel: string; tone?: string } & AssistantCall): Promise<string | null>;
  /** A reply draft grounded in the input, streamed chunk by chunk (or whole, as a promise). */
  draft?(input: AssistantInput): AsyncIterable<string> | Promise<string | null>;
  /** The language of a text (BCP 47, e.g. "de"), or null when unsure. */
  language?(input: { text: string } & AssistantCall): Promise<string | null>;
}

/** A published knowledge-base article, as plugins read it. */
export interface KnowledgeArticle {
  id: number;
  title: string;
  /** Markdown. */
  body: string;
  /** The body as plain text (formatting dropped, links as "label (url)"). */
  text: string;
  tags: string[];
  locale: string;
  updatedAt: number;
}

/** A search hit among published articles. */
export interface KnowledgeHit {
  id: number;
  title: string;
  tags: string[];
  locale: string;
  /** bm25 relevance from FTS5: lower is better. */
  rank: number;
  /** Plain text around the matches. */
  excerpt: string;
  /** How many of the question's content words the article holds, of `asked`. */
  matched: number;
  asked: number;
}

/**
 * The knowledge base, read-only, published articles only (`ctx.knowledge`).
 *
 * @example
 * const [best] = await ctx.knowledge.search("how do I get a refund", { limit: 3 });
 * const article = best && (await ctx.knowledge.get(best.id));
 */
export interface KnowledgeBase {
  /** Published articles matching the text, best first (bm25 over title, tags and body); `locale` keeps one language. */
  search(text: string, options?: { limit?: number; locale?: string }): Promise<KnowledgeHit[]>;
  /** One published article, or undefined. */
  get(id: number): Promise<KnowledgeArticle | undefined>;
}

/* ---------- inbound pipeline stages ---------- */

export interface InboxInfo {
  name: string;
  channel: string;
  /** What the inbox's adapter declared (`ChannelAdapter.identityScope`), filled in by core; absent means `"inbox"`. */
  identityScope?: IdentityScope;
}
/** The normalise stage ("sequential"): return the message (changed or not) for the next hook, or null to drop it (spam, loops). */
export type InboundHook = (message: InboundMessage, inbox: InboxInfo) => Promise<InboundMessage | null> | InboundMessage | null;
/** The identify stage ("first"): name the existing contact who wrote this, or null to let core match by identity. */
export type IdentifyHook = (input: {
  message: InboundMessage;
  inbox: InboxInfo;
}) => Promise<{ contactId: number } | null> | { contactId: number } | null;
/** The thread stage ("first"): name the conversation this joins, or ask for a new one, or null to let core decide. */
export type ThreadHook = (input: {
  message: InboundMessage;
  inbox: InboxInfo;
  contactId: number | null;
}) =>
  | Promise<{ conversationId: number } | { newConversation: true } | null>
  | { conversationId: number }
  | { newConversation: true }
  | null;
