/**
 * Builds a big Switchboard database fast, for the inbox benchmark: by default 300k contacts (with
 * one channel identity each), 100k conversations and 1M messages, with agents, labels and read
 * marks. The schema comes from the real migrations; rows go in as raw multi-row INSERTs of 10k
 * rows each (INSERT ... SELECT FROM json_each), one transaction per table, through @libsql/client. The secondary indexes and the FTS5
 * triggers are dropped during the load; the indexes are built and the full-text index rebuilt once
 * at the end (much faster than updating them row by row), then the triggers are put back and
 * ANALYZE runs.
 *
 * The data is shaped like a real inbox: conversations start over a year, each contact has one to
 * four conversations on different channels, messages arrive interleaved in time order (so a
 * conversation's messages are spread over the table, as in production), and one "heavy" contact
 * has 60 conversations and ~1,500 messages.
 *
 *   bun bench/seed.ts [--out /tmp/switchboard-bench.db] [--conversations 100000] [--messages 1000000] [--contacts 300000]
 */
import { existsSync, rmSync } from "node:fs";
import { type Client, createClient } from "@libsql/client";
import { foldName } from "../core/src/contacts/evidence.ts";
import { openStore } from "../core/src/store/index.ts";
import { seeded } from "../examples/playground/simulator.ts";

/** The inboxes the seeded rows use; the benchmark's config declares the same. */
export const BENCH_INBOXES = [
  { name: "shop", channel: "api", scope: "shop" },
  { name: "support", channel: "email", scope: "" },
  { name: "whatsapp", channel: "whatsapp", scope: "" },
] as const;

export const BENCH_AGENTS = 12;
export const BENCH_LABELS = ["billing", "bug", "vip", "refund", "shipping", "feature-request"];
/** The conversation whose contact has the longest timeline. */
export const HEAVY_CONVERSATION_MARK = "heavy";

export interface SeedOptions {
  file: string;
  contacts?: number;
  conversations?: number;
  messages?: number;
  /**
   * Also what the pipeline records for names (issue 22.3): every contact gets its folded name as a
   * claim, and `count` contacts (the first after the heavy one) are called `name`.
   */
  namesakes?: { name: string; count: number };
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

export interface SeedResult {
  file: string;
  contacts: number;
  conversations: number;
  messages: number;
  /** Milliseconds per phase and in total. */
  timings: Record<string, number>;
  /** The id of a conversation of the heavy contact. */
  heavyConversationId: number;
}

const ROWS_PER_STATEMENT = 10_000;
const DAY = 86_400_000;

const FIRST = [
  "Grace",
  "Alan",
  "Ada",
  "Linus",
  "Margaret",
  "Katherine",
  "Hedy",
  "Dennis",
  "Barbara",
  "Ken",
  "Frances",
  "Edsger",
  "Radia",
  "Tim",
  "Sophie",
  "John",
  "Jean",
  "Donald",
  "Lynn",
  "Guido",
  "Anita",
  "Bjarne",
  "Shafi",
  "Niklaus",
  "Mary",
  "Claude",
  "Evelyn",
  "Yukihiro",
  "Karen",
  "Leslie",
];
const LAST = [
  "Hopper",
  "Turing",
  "Lovelace",
  "Torvalds",
  "Hamilton",
  "Johnson",
  "Lamarr",
  "Ritchie",
  "Liskov",
  "Thompson",
  "Allen",
  "Dijkstra",
  "Perlman",
  "Berners-Lee",
  "Wilson",
  "McCarthy",
  "Bartik",
  "Knuth",
  "Conway",
  "van Rossum",
  "Borg",
  "Stroustrup",
  "Goldwasser",
  "Wirth",
  "Keller",
  "Shannon",
  "Boyd",
  "Matsumoto",
  "Spärck Jones",
  "Lamport",
];
const CUSTOMER = [
  "Hi, my order #{n} has not arrived yet. Can you check where it is?",
  "The invoice {n} shows the wrong VAT number, could you correct it?",
  "I was charged twice for order #{n}. Please refund one of the payments.",
  "The app crashes when I open the settings page on Android 15.",
  "Can I switch to the annual plan in the middle of my billing cycle?",
  "Where do I find the API key for my account?",
  "The password reset email never arrives. I have checked spam.",
  "Is the Berlin store open on Sunday?",
  "Thanks, that worked!",
  "Could you send me the manual for model X-{n}?",
  "My package was delivered to the wrong address, tracking {n}.",
  "How do I cancel my subscription?",
];
const AGENT = [
  "Thanks for writing! I have checked order #{n}: it left our warehouse yesterday.",
  "Sorry about that. I have issued a corrected invoice; it is on its way to your inbox.",
  "I have refunded the duplicate payment. It takes 3 to 5 business days to show up.",
  "Could you tell me which version of the app you are using?",
  "Yes, you can switch at any time; the difference is prorated.",
  "You will find it under Settings → Developers → API keys.",
  "I have resent the email. Please let me know if it still does not arrive.",
  "Happy to help! Anything else I can do for you?",
];
const NOTES = [
  "@Grace can you look at the refund queue?",
  "Customer is a VIP, be quick.",
  "Escalated to the warehouse team.",
  "Waiting for finance to confirm.",
];

/**
 * Inserts rows, ROWS_PER_STATEMENT per statement, all in one write transaction. Each statement is
 * `INSERT ... SELECT value->>0, ... FROM json_each(?)` with the rows as one JSON array: measured
 * here, that is about 40% faster than a VALUES list of the same 10k rows, and needs no quoting.
 */
async function insertAll(client: Client, table: string, columns: string[], rows: Iterable<(string | number | null)[]>): Promise<number> {
  const sql = `INSERT INTO ${table} (${columns.join(", ")}) SELECT ${columns.map((_, i) => `value->>${i}`).join(", ")} FROM json_each(?)`;
  const tx = await client.transaction("write");
  let batch: (string | number | null)[][] = [];
  let count = 0;
  try {
    for (const row of rows) {
      batch.push(row);
      if (batch.length === ROWS_PER_STATEMENT) {
        await tx.execute({ sql, args: [JSON.stringify(batch)] });
        count += batch.length;
        batch = [];
      }
    }
    if (batch.length) {
      await tx.execute({ sql, args: [JSON.stringify(batch)] });
      count += batch.length;
    }
    await tx.commit();
  } finally {
    tx.close();
  }
  return count;
}

/**
 * Seeds a new database file (an existing one is replaced).
 *
 * @example
 * const result = await seed({ file: "/tmp/bench.db" });
 * console.log(result.timings.total);
 */
export async function seed(options: SeedOptions): Promise<SeedResult> {
  const nContacts = options.contacts ?? 300_000;
  const nConversations = options.conversations ?? 100_000;
  const nMessages = options.messages ?? 1_000_000;
  const log = options.log ?? (() => {});
  const timings: Record<string, number> = {};
  let lap = performance.now();
  const started = lap;
  const phase = (name: string) => {
    const now = performance.now();
    timings[name] = Math.round(now - lap);
    log(`  ${name}: ${timings[name]} ms`);
    lap = now;
  };

  for (const suffix of ["", "-wal", "-shm"]) if (existsSync(options.file + suffix)) rmSync(options.file + suffix);
  const store = await openStore({ url: `file:${options.file}` });
  await store.migrate();
  store.close();
  phase("schema (migrations)");

  const client = createClient({ url: `file:${options.file}` });
  await client.execute("PRAGMA journal_mode = WAL");
  await client.execute("PRAGMA synchronous = OFF");
  await client.execute("PRAGMA cache_size = -262144");
  await client.execute("PRAGMA temp_store = MEMORY");
  await client.execute("PRAGMA foreign_keys = OFF");
  const triggers = (await client.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%_fts_%'")).rows.map(
    (r) => ({ name: String(r.name), sql: String(r.sql) }),
  );
  for (const t of triggers) await client.execute(`DROP TRIGGER ${t.name}`);
  // Secondary indexes are built once after the load (sorting once beats updating B-trees per row).
  const indexes = (
    await client.execute(
      "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ('contacts', 'identities', 'conversations', 'messages', 'conversation_labels')",
    )
  ).rows.map((r) => ({ name: String(r.name), sql: String(r.sql) }));
  for (const index of indexes) await client.execute(`DROP INDEX ${index.name}`);

  const rnd = seeded(42);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)]!;
  const fill = (text: string) => text.replace("{n}", String(10_000 + Math.floor(rnd() * 90_000)));
  const end = Date.parse("2026-11-25T09:00:00Z");
  const start = end - 365 * DAY;

  // Agents (the password hash is a placeholder: the benchmark opens sessions directly), labels.
  await insertAll(
    client,
    "agents",
    ["id", "email", "name", "password_hash", "role", "availability", "created_at"],
    Array.from({ length: BENCH_AGENTS }, (_, i) => [
      i + 1,
      `agent${i + 1}@bench.example`,
      `${FIRST[i % FIRST.length]} Agent`,
      "$argon2id$bench-placeholder",
      i === 0 ? "admin" : "agent",
      "online",
      start,
    ]),
  );
  await insertAll(
    client,
    "labels",
    ["id", "name", "created_at"],
    BENCH_LABELS.map((name, i) => [i + 1, name, start]),
  );

  // Contacts, each with one identity on a channel.
  const contactChannel = new Uint8Array(nContacts + 1);
  await insertAll(
    client,
    "contacts",
    ["id", "name", "email", "phone", "created_at", "updated_at"],
    (function* () {
      for (let id = 1; id <= nContacts; id++) {
        const name = `${pick(FIRST)} ${pick(LAST)}`;
        const withEmail = rnd() < 0.7;
        yield [
          id,
          name,
          withEmail ? `customer${id}@mail.example` : null,
          rnd() < 0.4 ? `+4915${String(100_000_000 + id)}` : null,
          start,
          start,
        ];
      }
    })(),
  );
  await insertAll(
    client,
    "identities",
    ["contact_id", "channel", "scope", "external_id", "verified", "created_at"],
    (function* () {
      for (let id = 1; id <= nContacts; id++) {
        const inbox = Math.floor(rnd() * BENCH_INBOXES.length);
        contactChannel[id] = inbox;
        yield [id, BENCH_INBOXES[inbox]!.channel, BENCH_INBOXES[inbox]!.scope, `ext-${id}`, 1, start];
      }
    })(),
  );
  phase(`contacts + identities (${nContacts} each)`);

  // Conversations: the heavy contact first (60), then contacts with 1-4 conversations each.
  interface Conv {
    id: number;
    contactId: number;
    inbox: number;
    startAt: number;
    messages: number;
    status: string;
    assignee: number | null;
  }
  const convs: Conv[] = [];
  const heavyContact = 1;
  let contactId = 1;
  while (convs.length < nConversations) {
    const many = contactId === heavyContact ? 60 : rnd() < 0.75 ? 1 : 1 + Math.floor(rnd() * 4);
    for (let k = 0; k < many && convs.length < nConversations; k++) {
      const inbox = k === 0 ? contactChannel[contactId]! : Math.floor(rnd() * BENCH_INBOXES.length);
      convs.push({ id: 0, contactId, inbox, startAt: start + Math.floor(rnd() * 360 * DAY), messages: 0, status: "", assignee: null });
    }
    // Spread conversations over the contacts; most contacts never wrote (imported, or enrichment only).
    contactId += 1 + Math.floor(rnd() * Math.max(1, Math.floor((2 * nContacts) / nConversations)));
    if (contactId > nContacts) contactId = heavyContact + 1;
  }
  convs.sort((a, b) => a.startAt - b.startAt);
  convs.forEach((c, i) => (c.id = i + 1));
  // Messages per conversation: 2 to 18 (10 on average; 25 for the heavy contact), scaled to the wanted total.
  let assigned = 0;
  for (const c of convs) {
    c.messages = c.contactId === heavyContact ? 25 : 2 + Math.floor(rnd() * 17);
    assigned += c.messages;
  }
  let diff = nMessages - assigned;
  for (let i = 0; diff !== 0; i = (i + 1) % convs.length) {
    const c = convs[i]!;
    if (diff > 0) {
      c.messages++;
      diff--;
    } else if (c.messages > 1) {
      c.messages--;
      diff++;
    }
  }

  // Each message's time; then ids in arrival order across all conversations.
  const msgConv = new Int32Array(nMessages);
  const msgAt = new Float64Array(nMessages);
  const msgSeq = new Int16Array(nMessages);
  let m = 0;
  for (const c of convs) {
    let at = c.startAt;
    for (let k = 0; k < c.messages; k++) {
      msgConv[m] = c.id;
      msgAt[m] = Math.min(at, end - 1);
      msgSeq[m] = k;
      m++;
      at += 60_000 + Math.floor(rnd() * (k % 4 === 3 ? 2 * DAY : 3 * 3_600_000));
    }
  }
  const order = new Uint32Array(nMessages).map((_, i) => i).sort((a, b) => msgAt[a]! - msgAt[b]! || a - b);
  const lastAt = new Float64Array(nConversations + 1);
  const lastCustomerAt = new Float64Array(nConversations + 1);
  for (let i = 0; i < nMessages; i++) lastAt[msgConv[i]!] = Math.max(lastAt[msgConv[i]!]!, msgAt[i]!);
  phase("plan");

  for (const c of convs) {
    const age = end - lastAt[c.id]!;
    const r = rnd();
    c.status =
      age < 7 * DAY ? (r < 0.55 ? "open" : r < 0.75 ? "pending" : r < 0.8 ? "snoozed" : "resolved") : r < 0.04 ? "open" : "resolved";
    c.assignee = rnd() < 0.7 ? 1 + Math.floor(rnd() * BENCH_AGENTS) : null;
  }
  const convById = (id: number) => convs[id - 1]!;

  await insertAll(
    client,
    "messages",
    [
      "id",
      "conversation_id",
      "contact_id",
      "inbox",
      "channel",
      "direction",
      "external_id",
      "author_agent_id",
      "text",
      "delivery_status",
      "created_at",
      "updated_at",
    ],
    (function* () {
      for (let i = 0; i < nMessages; i++) {
        const at = order[i]!;
        const c = convById(msgConv[at]!);
        const seq = msgSeq[at]!;
        const inbox = BENCH_INBOXES[c.inbox]!;
        const createdAt = msgAt[at]!;
        const kind = seq === 0 || seq % 2 === 0 ? "incoming" : seq % 7 === 5 ? "note" : seq % 9 === 8 ? "activity" : "outgoing";
        if (kind === "incoming") lastCustomerAt[c.id] = createdAt;
        const agent = kind === "incoming" ? null : (c.assignee ?? 1);
        const text =
          kind === "incoming"
            ? fill(pick(CUSTOMER))
            : kind === "outgoing"
              ? fill(pick(AGENT))
              : kind === "note"
                ? pick(NOTES)
                : "Status changed from open to pending by Grace Agent";
        yield [
          i + 1,
          c.id,
          c.contactId,
          inbox.name,
          inbox.channel,
          kind,
          kind === "incoming" ? `in-${i + 1}` : kind === "outgoing" ? `out-${i + 1}` : null,
          agent,
          text,
          kind === "incoming" ? "received" : kind === "outgoing" ? "sent" : "received",
          createdAt,
          createdAt,
        ];
      }
    })(),
  );
  phase(`messages (${nMessages})`);

  await insertAll(
    client,
    "conversations",
    [
      "id",
      "contact_id",
      "inbox",
      "channel",
      "thread_key",
      "status",
      "priority",
      "assignee_id",
      "subject",
      "first_response_at",
      "last_customer_message_at",
      "last_activity_at",
      "resolved_at",
      "created_at",
      "updated_at",
    ],
    (function* () {
      for (const c of convs) {
        const inbox = BENCH_INBOXES[c.inbox]!;
        const priority = rnd() < 0.1 ? pick(["low", "medium", "high", "urgent"]) : "none";
        const last = lastAt[c.id]!;
        yield [
          c.id,
          c.contactId,
          inbox.name,
          inbox.channel,
          c.contactId === heavyContact ? `${HEAVY_CONVERSATION_MARK}-${c.id}` : null,
          c.status,
          priority,
          c.assignee,
          inbox.channel === "email" ? "Question about my order" : null,
          c.startAt + 600_000,
          lastCustomerAt[c.id] || c.startAt,
          last,
          c.status === "resolved" ? last : null,
          c.startAt,
          last,
        ];
      }
    })(),
  );
  await insertAll(
    client,
    "conversation_labels",
    ["conversation_id", "label_id"],
    (function* () {
      for (const c of convs) {
        if (rnd() >= 0.25) continue;
        const first = 1 + Math.floor(rnd() * BENCH_LABELS.length);
        yield [c.id, first];
        if (rnd() < 0.3) yield [c.id, (first % BENCH_LABELS.length) + 1];
      }
    })(),
  );
  // Each agent has read most of the conversations assigned to them (up to some message).
  await insertAll(
    client,
    "conversation_reads",
    ["agent_id", "conversation_id", "last_read_message_id"],
    (function* () {
      for (const c of convs) if (c.assignee !== null && rnd() < 0.8) yield [c.assignee, c.id, Math.floor(rnd() * nMessages)];
    })(),
  );
  phase(`conversations (${nConversations}) + labels + reads`);

  if (options.namesakes) {
    const { name, count } = options.namesakes;
    await client.execute({ sql: "UPDATE contacts SET name = ? WHERE id BETWEEN 2 AND ?", args: [name, count + 1] });
    const names = (await client.execute("SELECT DISTINCT name FROM contacts")).rows.map((r) => String(r.name));
    // A scratch table, not TEMP: the client's transactions run on connections of their own.
    await client.execute("CREATE TABLE seed_folded_names (name TEXT PRIMARY KEY, folded TEXT NOT NULL)");
    await insertAll(
      client,
      "seed_folded_names",
      ["name", "folded"],
      names.map((n) => [n, foldName(n)]),
    );
    await client.execute(
      "INSERT INTO identity_claims (contact_id, kind, value, source, created_at) SELECT c.id, 'name', f.folded, 'seed', c.created_at FROM contacts c JOIN seed_folded_names f ON f.name = c.name",
    );
    await client.execute("DROP TABLE seed_folded_names");
    phase(`name claims (${nContacts}), ${count} contacts called ${name}`);
  }

  for (const index of indexes) await client.execute(index.sql);
  phase(`indexes (${indexes.length})`);
  await client.execute("INSERT INTO messages_fts(messages_fts) VALUES ('rebuild')");
  // Every message is in the index now (see core/src/store/search-index.ts).
  await client.execute("UPDATE search_progress SET indexed_upto = (SELECT coalesce(max(id), 0) FROM messages) WHERE name = 'messages'");
  await client.execute("INSERT INTO contacts_fts(contacts_fts) VALUES ('rebuild')");
  for (const t of triggers) await client.execute(t.sql);
  phase("full-text index (FTS5 rebuild)");
  await client.execute("ANALYZE");
  await client.execute("PRAGMA wal_checkpoint(TRUNCATE)");
  phase("ANALYZE + checkpoint");
  client.close();
  timings.total = Math.round(performance.now() - started);
  return {
    file: options.file,
    contacts: nContacts,
    conversations: nConversations,
    messages: nMessages,
    timings,
    heavyConversationId: convs.find((c) => c.contactId === heavyContact)!.id,
  };
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const arg = (name: string, fallback: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
  };
  const result = await seed({
    file: arg("out", "/tmp/switchboard-bench.db"),
    contacts: Number(arg("contacts", "300000")),
    conversations: Number(arg("conversations", "100000")),
    messages: Number(arg("messages", "1000000")),
    log: (line) => console.log(line),
  });
  console.log(`Seeded ${result.file} in ${(result.timings.total! / 1000).toFixed(1)} s.`);
}
