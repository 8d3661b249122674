/**
 * Where the IMAP poller is in its mailbox: the mailbox's UIDVALIDITY and the last UID stored,
 * kept in the inbox's key-value store so a restart neither refetches nor skips a message.
 */
import type { KeyValueStore } from "@switchboard/core";

export interface ImapCursor {
  mailbox: string;
  /** UIDVALIDITY as a decimal string (it is a 32-bit unsigned number; imapflow gives a bigint). */
  uidValidity: string;
  lastUid: number;
}

const KEY = "imap:cursor";

/** What to do with the stored cursor for the mailbox as the server reports it now. */
export type CursorDecision = { cursor: ImapCursor; reason: "resume" | "first-sync" | "uidvalidity-changed" | "mailbox-changed" };

/**
 * Decides where to resume: from the stored cursor, or, on the first sync, at the end of the
 * mailbox ("new") or its start ("all"); after a UIDVALIDITY change (the mailbox was rebuilt, the
 * old UIDs mean nothing) from the start again, relying on Message-ID deduplication.
 *
 * @example
 * decideCursor(undefined, { mailbox: "INBOX", uidValidity: "7", uidNext: 42 }, "new"); // { cursor: { ..., lastUid: 41 }, reason: "first-sync" }
 */
export function decideCursor(
  stored: ImapCursor | undefined,
  now: { mailbox: string; uidValidity: string; uidNext: number },
  firstSync: "new" | "all",
): CursorDecision {
  if (!stored)
    return {
      cursor: { mailbox: now.mailbox, uidValidity: now.uidValidity, lastUid: firstSync === "all" ? 0 : Math.max(0, now.uidNext - 1) },
      reason: "first-sync",
    };
  if (stored.mailbox !== now.mailbox)
    return {
      cursor: { mailbox: now.mailbox, uidValidity: now.uidValidity, lastUid: firstSync === "all" ? 0 : Math.max(0, now.uidNext - 1) },
      reason: "mailbox-changed",
    };
  if (stored.uidValidity !== now.uidValidity)
    return { cursor: { mailbox: now.mailbox, uidValidity: now.uidValidity, lastUid: 0 }, reason: "uidvalidity-changed" };
  return { cursor: stored, reason: "resume" };
}

/**
 * Reads the stored cursor of the inbox, if any.
 *
 * @example
 * const cursor = await readCursor(inbox.kv); // { mailbox: "INBOX", uidValidity: "1795565666", lastUid: 41 }
 */
export function readCursor(kv: KeyValueStore): Promise<ImapCursor | undefined> {
  return kv.get<ImapCursor>(KEY);
}

/**
 * Stores the cursor (after each message, so a crash loses nothing).
 *
 * @example
 * await writeCursor(inbox.kv, { mailbox: "INBOX", uidValidity: "1795565666", lastUid: 42 });
 */
export async function writeCursor(kv: KeyValueStore, cursor: ImapCursor): Promise<void> {
  await kv.set(KEY, cursor);
}
