/**
 * Decides which email thread an incoming message belongs to, before it is handed to core:
 *   1. In-Reply-To, then References (latest first): a known Message-ID names the thread;
 *   2. else, when the inbox allows it, the sender's last thread with the same subject
 *      (Re:/Fwd:/AW:/SV: removed); core joins it only while its conversation is not resolved;
 *   3. else a new thread, keyed by the message's own Message-ID.
 * The result becomes the message's `threadKey`, which core matches to the conversation.
 */

import { subjectKey } from "../parse/message-ids.ts";
import type { ParsedEmail } from "../parse/parse.ts";
import type { ThreadIndex } from "./thread-index.ts";

export type ThreadedBy = "in-reply-to" | "references" | "subject" | "new";

export interface ThreadMatch {
  threadKey: string;
  by: ThreadedBy;
  /** The Message-ID that matched (for "in-reply-to" and "references"). */
  matched?: string;
}

/**
 * Resolves the thread of a parsed email.
 *
 * @example
 * const match = await resolveThread(index, email, { subjectFallback: true });
 * // { threadKey: "root@mail.example", by: "references", matched: "abc@mail.example" }
 */
export async function resolveThread(index: ThreadIndex, email: ParsedEmail, options: { subjectFallback: boolean }): Promise<ThreadMatch> {
  const candidates: [string, ThreadedBy][] = [
    ...email.inReplyTo.map((id): [string, ThreadedBy] => [id, "in-reply-to"]),
    ...[...email.references].reverse().map((id): [string, ThreadedBy] => [id, "references"]),
  ];
  for (const [id, by] of candidates) {
    if (id === email.messageId) continue;
    const entry = await index.message(id);
    if (entry) return { threadKey: entry.t, by, matched: id };
  }
  const key = subjectKey(email.subject);
  if (options.subjectFallback && key !== "" && email.from) {
    const threadKey = await index.subjectThread(email.from.address, key);
    if (threadKey) return { threadKey, by: "subject" };
  }
  return { threadKey: email.messageId, by: "new" };
}
