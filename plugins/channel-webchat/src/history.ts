/**
 * What each visitor sees, kept in the inbox's key-value store: an append-only log per visitor whose
 * entries are numbered 1, 2, 3… (`seq`). Catch-up is "every entry after the last seq I saw", so a
 * reconnecting widget gets each missed entry exactly once. Core's store stays the record of truth
 * for agents; this log is the visitor's view of it (plugins cannot query core's messages).
 *
 * Keys (all in the inbox's kv namespace):
 *   m:<visitor>:<seq, 10 digits>   one entry
 *   f:<visitor>:<seq>:<index>      one attachment's bytes (base64), written right after its entry
 *   v:<visitor>                    the visitor's record (profile, conversations, contact id)
 *   c:<conversation id>            which visitor owns a conversation
 *   csat:<conversation id>         the rating of a conversation
 */
import type { KeyValueStore } from "@switchboard/core";

/** An attachment as the widget lists it; the bytes are fetched separately. */
export interface EntryAttachment {
  index: number;
  filename: string;
  content_type: string;
  size: number;
  /** For agent files that live elsewhere (a URL core handed over instead of bytes). */
  url?: string;
}

/**
 * One line of a visitor's log, stored and sent in the same (snake_case) JSON. `kind`: "text" (a message), "email" (the visitor left an email for
 * the reply), "resolved" (the conversation was closed; `csat` says whether to ask for a rating),
 * "rating" (the visitor's rating).
 */
export interface Entry {
  seq: number;
  /** Stable: "v-<client id>" for the visitor's, "a-<message id>" for agents', "s-<…>" for the rest. */
  id: string;
  conversation_id: number;
  author: "visitor" | "agent" | "system";
  kind: "text" | "email" | "resolved" | "rating";
  text: string;
  attachments: EntryAttachment[];
  at: number;
  agent_name?: string;
  /** The visitor's client id of their message (to match an optimistic bubble). */
  client_id?: string;
  csat?: boolean;
  rating?: number;
}

/** A visitor's record. */
export interface VisitorRecord {
  name?: string;
  email?: string;
  /** Core's contact id, once a message was stored. */
  contactId?: number;
  /** The visitor's conversations, oldest first. */
  conversations: number[];
  /** Agent replies up to this seq were reported read to core. */
  readSeq?: number;
}

/** A file to keep with an entry. */
export interface StoredFile {
  filename: string;
  contentType: string;
  data: string;
}

const pad = (seq: number) => String(seq).padStart(10, "0");

/**
 * The per-visitor logs of one inbox. Appends for one visitor are serialised in this process, and
 * each claims its seq with `kv.add` (insert-if-absent), so two Switchboard processes appending for
 * one visitor at once never write the same seq: the later one takes the next.
 *
 * @example
 * const history = new History(inbox.kv);
 * const entry = await history.append("a_x", { id: "v-1", conversation_id: 7, author: "visitor", kind: "text", text: "Hi", attachments: [], at: Date.now() });
 * await history.after("a_x", 0); // [entry]
 */
export class History {
  readonly #kv: KeyValueStore;
  readonly #lastSeq = new Map<string, number>();
  readonly #queues = new Map<string, Promise<unknown>>();

  constructor(kv: KeyValueStore) {
    this.#kv = kv;
  }

  /** Appends an entry as the visitor's next seq, with the bytes of its attachments by index (undefined: none kept). */
  append(visitorId: string, entry: Omit<Entry, "seq">, files: (StoredFile | undefined)[] = []): Promise<Entry> {
    return this.#serial(visitorId, async () => {
      let seq = (await this.#last(visitorId)) + 1;
      const writeFiles = async () => {
        for (const [index, file] of files.entries()) if (file) await this.#kv.set(`f:${visitorId}:${seq}:${index}`, file);
      };
      const add = this.#kv.add?.bind(this.#kv);
      if (add) {
        // Claimed atomically: a seq another Switchboard process took meanwhile is skipped. The
        // files follow their entry (within milliseconds; the push goes out after both).
        while (!(await add(`m:${visitorId}:${pad(seq)}`, { ...entry, seq }))) seq++;
        await writeFiles();
      } else {
        while ((await this.#kv.get(`m:${visitorId}:${pad(seq)}`)) !== undefined) seq++;
        await writeFiles();
        await this.#kv.set(`m:${visitorId}:${pad(seq)}`, { ...entry, seq });
      }
      this.#lastSeq.set(visitorId, seq);
      return { ...entry, seq };
    });
  }

  /** The visitor's entries after `seq`, oldest first. */
  async after(visitorId: string, seq: number): Promise<Entry[]> {
    const rows = await this.#kv.list(`m:${visitorId}:`);
    return rows.map((row) => row.value as Entry).filter((entry) => entry.seq > seq);
  }

  /** The first entry with this id (to recognise a retried send). */
  async find(visitorId: string, id: string): Promise<Entry | undefined> {
    return (await this.after(visitorId, 0)).find((entry) => entry.id === id);
  }

  async file(visitorId: string, seq: number, index: number): Promise<StoredFile | undefined> {
    return this.#kv.get<StoredFile>(`f:${visitorId}:${seq}:${index}`);
  }

  async visitor(visitorId: string): Promise<VisitorRecord> {
    return (await this.#kv.get<VisitorRecord>(`v:${visitorId}`)) ?? { conversations: [] };
  }

  /** Changes a visitor's record (serialised with their appends). */
  updateVisitor(visitorId: string, change: (record: VisitorRecord) => VisitorRecord): Promise<VisitorRecord> {
    return this.#serial(visitorId, async () => {
      const next = change(await this.visitor(visitorId));
      await this.#kv.set(`v:${visitorId}`, next);
      return next;
    });
  }

  /** Records that a conversation belongs to a visitor (their record and the reverse key). */
  async own(visitorId: string, conversationId: number, contactId: number): Promise<void> {
    const record = await this.visitor(visitorId);
    if (record.conversations.includes(conversationId) && record.contactId === contactId) return;
    await this.#kv.set(`c:${conversationId}`, visitorId);
    await this.updateVisitor(visitorId, (r) => ({
      ...r,
      contactId,
      conversations: r.conversations.includes(conversationId) ? r.conversations : [...r.conversations, conversationId],
    }));
  }

  /** The visitor who owns a conversation, if it is one of this inbox's. */
  owner(conversationId: number): Promise<string | undefined> {
    return this.#kv.get<string>(`c:${conversationId}`);
  }

  /** The visitors whose record points at a contact (a scan: merges and erasures are rare). */
  async visitorsOf(contactId: number): Promise<string[]> {
    const rows = await this.#kv.list("v:");
    return rows.filter((row) => (row.value as VisitorRecord).contactId === contactId).map((row) => row.key.slice("v:".length));
  }

  /** Forgets a visitor: their log, files, record and conversation keys. Returns their conversation ids. */
  forget(visitorId: string): Promise<number[]> {
    return this.#serial(visitorId, async () => {
      const record = await this.visitor(visitorId);
      for (const prefix of [`m:${visitorId}:`, `f:${visitorId}:`]) {
        for (const row of await this.#kv.list(prefix)) await this.#kv.delete(row.key);
      }
      for (const id of record.conversations) await this.#kv.delete(`c:${id}`);
      await this.#kv.delete(`v:${visitorId}`);
      this.#lastSeq.delete(visitorId);
      return record.conversations;
    });
  }

  async #last(visitorId: string): Promise<number> {
    const known = this.#lastSeq.get(visitorId);
    if (known !== undefined) return known;
    const rows = await this.#kv.list(`m:${visitorId}:`);
    return (rows.at(-1)?.value as Entry | undefined)?.seq ?? 0;
  }

  /** Runs `task` after the visitor's earlier tasks (in this process). */
  #serial<T>(visitorId: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#queues.get(visitorId) ?? Promise.resolve();
    const run = previous.then(task, task);
    // The queue only orders tasks; each task's own error reaches its caller through `run`.
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.#queues.set(visitorId, settled);
    void settled.then(() => {
      if (this.#queues.get(visitorId) === settled) this.#queues.delete(visitorId);
    });
    return run;
  }
}
