/**
 * The threading index of one inbox, kept in the inbox's key-value store (`InboxContext.kv`):
 *   msg:<message-id>            → the conversation and thread a Message-ID (ours or theirs) belongs to,
 *                                 and for our replies, the contact and address it was sent to
 *   thread:<thread-key>         → the latest conversation of an email thread
 *   subject:<sender>:<hash>     → the thread a sender's subject last went to (the subject fallback)
 *   conv:<conversation-id>      → what replies need: the subject, the CC'd people
 * Core knows conversations; this index knows which email ids belong to them.
 */
import { createHash } from "node:crypto";
import type { KeyValueStore } from "@switchboard/core";
import type { EmailAddress } from "../parse/parse.ts";

export interface MessageEntry {
  /** Conversation id. */
  c: number;
  /** Thread key (the Message-ID of the thread's first message). */
  t: string;
  /** The References of that message, to build the References of a reply to it. */
  r?: string[];
  /** Our reply only: the contact it was sent to, and the address (lower-case). An answer to it from that address proves the contact reads that mailbox. */
  to?: { contact: number; address: string };
}

export interface ConversationEntry {
  subject?: string;
  cc: EmailAddress[];
}

/** Long keys are hashed so any Message-ID fits. */
function keyPart(value: string): string {
  return value.length <= 200 ? value : `h:${createHash("sha256").update(value).digest("hex")}`;
}

/** How many References a message keeps: the first (the root) and the latest ones (RFC 5322 §3.6.4). */
export const MAX_REFERENCES = 20;

/**
 * Trims a References list to the root plus the latest ids.
 *
 * @example
 * capReferences(ids).length <= MAX_REFERENCES; // true, and capReferences(ids)[0] === ids[0]
 */
export function capReferences(ids: string[]): string[] {
  return ids.length <= MAX_REFERENCES ? ids : [ids[0]!, ...ids.slice(ids.length - (MAX_REFERENCES - 1))];
}

/**
 * Reads and writes one inbox's threading index.
 *
 * @example
 * const index = new ThreadIndex(inbox.kv);
 * await index.recordMessage("abc@mail.example", { c: 7, t: "root@mail.example", r: ["root@mail.example"] });
 * (await index.message("abc@mail.example"))?.c; // 7
 */
export class ThreadIndex {
  readonly #kv: KeyValueStore;

  constructor(kv: KeyValueStore) {
    this.#kv = kv;
  }

  message(messageId: string): Promise<MessageEntry | undefined> {
    return this.#kv.get<MessageEntry>(`msg:${keyPart(messageId)}`);
  }

  async recordMessage(messageId: string, entry: MessageEntry): Promise<void> {
    const { r, to, ...rest } = entry;
    await this.#kv.set(`msg:${keyPart(messageId)}`, {
      ...rest,
      ...(r && r.length > 0 ? { r: capReferences(r) } : {}),
      ...(to ? { to } : {}),
    });
  }

  async threadConversation(threadKey: string): Promise<number | undefined> {
    return (await this.#kv.get<{ c: number }>(`thread:${keyPart(threadKey)}`))?.c;
  }

  async recordThread(threadKey: string, conversationId: number): Promise<void> {
    await this.#kv.set(`thread:${keyPart(threadKey)}`, { c: conversationId });
  }

  #subjectKey(sender: string, subject: string): string {
    return `subject:${keyPart(sender)}:${createHash("sha256").update(subject).digest("hex").slice(0, 32)}`;
  }

  async subjectThread(sender: string, subject: string): Promise<string | undefined> {
    return (await this.#kv.get<{ t: string }>(this.#subjectKey(sender, subject)))?.t;
  }

  async recordSubject(sender: string, subject: string, threadKey: string): Promise<void> {
    await this.#kv.set(this.#subjectKey(sender, subject), { t: threadKey });
  }

  conversation(conversationId: number): Promise<ConversationEntry | undefined> {
    return this.#kv.get<ConversationEntry>(`conv:${conversationId}`);
  }

  async recordConversation(conversationId: number, entry: ConversationEntry): Promise<void> {
    await this.#kv.set(`conv:${conversationId}`, entry);
  }
}
