/**
 * Identity resolution benchmark (issue 7): `npm run bench:identity`.
 *
 * Seeds a database with 1M identities (500k contacts, each with a channel identity and a verified
 * email; plus 200k unverified email claims; names drawn from 900 full names, so same-name lookups
 * find many candidates) with raw SQL batches, then ingests messages through the real pipeline
 * (`switchboard.ingest` into an API channel inbox) in four shapes — a returning customer, a new
 * channel joining by verified email, a new customer typing an unverified email (claim + merge
 * suggestion lookups), a new anonymous customer — and times (1) the whole ingest and (2) the
 * identity stage alone (identify → record identities and claims → suggest merges, in a transaction
 * rolled back). The same runs on an empty database give the baseline. Bounded: --n messages per
 * shape (default 300). Writes the "identity" section of docs/benchmarks.md.
 *
 *   bun bench/identity.ts [--identities 1000000] [--n 300] [--out docs/benchmarks.md]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseConfigText } from "../core/src/config/load.ts";
import { identifyByIdentity, recordIdentities } from "../core/src/contacts/identify.ts";
import { suggestMerges } from "../core/src/contacts/suggest.ts";
import { createLogger } from "../core/src/log/index.ts";
import type { InboundMessage } from "../core/src/plugins/types.ts";
import { openStore, type Store } from "../core/src/store/index.ts";
import { contacts } from "../core/src/store/schema.ts";
import { createSwitchboard, type Switchboard } from "../core/src/switchboard.ts";
import { BENCHMARKS_FILE, machineLine, writeSection } from "./sections.ts";

const args = new Map(process.argv.slice(2).flatMap((a, i, all) => (a.startsWith("--") ? [[a.slice(2), all[i + 1] ?? ""]] : [])));
const IDENTITIES = Number(args.get("identities") ?? 1_000_000);
const N = Number(args.get("n") ?? 300);
const OUT = args.get("out") ?? BENCHMARKS_FILE;
const CONTACTS = Math.floor(IDENTITIES / 2);
const CLAIMS = Math.floor(CONTACTS * 0.4);
const BATCH = 100_000;
const API_PLUGIN = fileURLToPath(new URL("../plugins/channel-api/src/index.ts", import.meta.url));
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
  "Berners",
  "Wilson",
  "McCarthy",
  "Bartik",
  "Knuth",
  "Conway",
  "Rossum",
  "Borg",
  "Stroustrup",
  "Goldwasser",
  "Wirth",
  "Keller",
  "Shannon",
  "Boyd",
  "Matsumoto",
  "Jones",
  "Lamport",
];

/** Seeds contacts, identities and claims with INSERT … SELECT over a recursive counter, in batches. */
export async function seed(store: Store, contacts: number): Promise<number> {
  const started = performance.now();
  const c = store.client;
  const trigger = (await c.execute("SELECT sql FROM sqlite_master WHERE name = 'contacts_fts_ai'")).rows[0]?.sql as string;
  await c.execute("DROP TRIGGER contacts_fts_ai");
  const names = `json('${JSON.stringify(FIRST.flatMap((f) => LAST.map((l) => `${f} ${l}`)))}')`;
  for (let from = 1; from <= contacts; from += BATCH) {
    const to = Math.min(contacts, from + BATCH - 1);
    const counter = `WITH RECURSIVE s(i) AS (SELECT ${from} UNION ALL SELECT i + 1 FROM s WHERE i < ${to})`;
    await c.batch(
      [
        `${counter} INSERT INTO contacts (id, name, email, attributes, created_at, updated_at) SELECT i, json_extract(${names}, '$[' || (i % 900) || ']'), 'u' || i || '@org' || (i % 5000) || '.example', '{}', 0, 0 FROM s`,
        `${counter} INSERT INTO identities (contact_id, channel, scope, external_id, verified, source, created_at) SELECT i, 'api', 'shop', 'c' || i, 0, 'inbox:shop', 0 FROM s`,
        `${counter} INSERT INTO identities (contact_id, channel, external_id, verified, source, created_at) SELECT i, 'email', 'u' || i || '@org' || (i % 5000) || '.example', 1, 'inbox:shop', 0 FROM s`,
        `${counter} INSERT INTO identity_claims (contact_id, kind, value, source, created_at) SELECT i, 'email', 'typed' || i || '@mail.example', 'inbox:shop', 0 FROM s WHERE i <= ${CLAIMS}`,
      ],
      "write",
    );
  }
  await c.execute("INSERT INTO contacts_fts(contacts_fts) VALUES ('rebuild')");
  await c.execute(trigger);
  await c.execute("ANALYZE");
  return performance.now() - started;
}

type Shape = { name: string; message: (i: number) => InboundMessage };

/** The four message shapes; `size` is how many contacts the database holds (picks existing ones). */
function shapes(size: number, run: string): Shape[] {
  const pick = (i: number) => 1 + ((i * 7919) % Math.max(1, size));
  const name = (i: number) => `${FIRST[i % 30]} ${LAST[(i * 7) % 30]}`;
  return [
    {
      name: "returning customer (channel identity)",
      message: (i) => ({ externalId: `${run}-r${i}`, contact: { externalId: `c${pick(i)}` }, text: "hello again" }),
    },
    {
      name: "new channel, verified email joins",
      message: (i) => ({
        externalId: `${run}-v${i}`,
        contact: { externalId: `${run}-v${i}`, name: name(i), email: `u${pick(i)}@org${pick(i) % 5000}.example`, verified: true },
        text: "hi",
      }),
    },
    {
      name: "new customer, unverified email (claim + suggestions)",
      message: (i) => ({
        externalId: `${run}-u${i}`,
        contact: { externalId: `${run}-u${i}`, name: name(i), email: `typed${pick(i)}@mail.example` },
        text: "hi",
      }),
    },
    {
      name: "new anonymous customer",
      message: (i) => ({ externalId: `${run}-a${i}`, contact: { externalId: `${run}-a${i}` }, text: "hi" }),
    },
  ];
}

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
};

class Rollback extends Error {}

/** Times the identity stage alone for one message, in a write transaction that is rolled back. */
async function identityStage(sb: Switchboard, message: InboundMessage): Promise<number> {
  const inbox = { name: "shop", channel: "api", identityScope: "inbox" as const };
  const started = performance.now();
  let elapsed = 0;
  await sb.store
    .write(async (tx) => {
      const found = await identifyByIdentity(tx, inbox, message);
      const contactId =
        found?.id ??
        (
          await tx
            .insert(contacts)
            .values({ name: message.contact.name ?? null, createdAt: 0, updatedAt: 0 })
            .returning({ id: contacts.id })
        )[0]!.id;
      const signals = await recordIdentities(tx, contactId, inbox, message, 0);
      await suggestMerges(tx, contactId, signals, { checkName: !found && Boolean(message.contact.name) }, 0);
      elapsed = performance.now() - started;
      throw new Rollback();
    })
    .catch((error: unknown) => {
      if (!(error instanceof Rollback)) throw error;
    });
  return elapsed;
}

interface Row {
  shape: string;
  ingestP50: number;
  ingestP95: number;
  stageP50: number;
  stageP95: number;
}

async function measure(file: string, size: number, run: string): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), "switchboard-bench-identity-cfg-"));
  const toml = `[store]\nurl = "file:${file}"\n[plugins.api]\npackage = ${JSON.stringify(API_PLUGIN)}\n[inboxes.shop]\nplugin = "api"\n[inboxes.shop.options]\nsecret = "bench-secret-0123456789"\n`;
  const sb = await createSwitchboard(parseConfigText(toml, join(dir, "switchboard.toml"), {}), {
    log: createLogger({ level: "silent" }),
    backgroundWorkers: false,
  });
  const rows: Row[] = [];
  try {
    for (const shape of shapes(size, run)) {
      for (let i = 0; i < 20; i++) await sb.ingest("shop", shape.message(N + i));
      const ingest: number[] = [];
      const stage: number[] = [];
      for (let i = 0; i < N; i++) {
        stage.push(await identityStage(sb, shape.message(2 * N + i)));
        const started = performance.now();
        await sb.ingest("shop", shape.message(i));
        ingest.push(performance.now() - started);
      }
      rows.push({
        shape: shape.name,
        ingestP50: quantile(ingest, 0.5),
        ingestP95: quantile(ingest, 0.95),
        stageP50: quantile(stage, 0.5),
        stageP95: quantile(stage, 0.95),
      });
    }
  } finally {
    await sb.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

const ms = (n: number) => n.toFixed(2);

/** The identity stage's lookups at scale, each run alone 50 times (median ms) with SQLite's plan. */
async function queryTimings(store: Store): Promise<string[]> {
  const ids = Array.from({ length: 21 }, (_, i) => 1 + i * 900).join(", ");
  const queries: [string, string, unknown[]][] = [
    [
      "contact by channel identity",
      "SELECT c.* FROM identities i JOIN contacts c ON c.id = i.contact_id WHERE i.channel = ? AND i.scope = ? AND i.external_id = ? LIMIT 1",
      ["api", "shop", "c4242"],
    ],
    [
      "holders of an email (verified)",
      "SELECT contact_id FROM identities WHERE channel = ? AND scope = '' AND external_id = ? AND contact_id <> ?",
      ["email", "u4242@org4242.example", 1],
    ],
    [
      "holders of an email (claims)",
      "SELECT DISTINCT contact_id FROM identity_claims WHERE kind = ? AND value = ? AND contact_id <> ? LIMIT 21",
      ["email", "typed4242@mail.example", 1],
    ],
    ["same-name candidates", "SELECT id FROM contacts WHERE lower(name) = lower(?) AND id <> ? LIMIT 20", ["Grace Hopper", 1]],
    [
      "emails and phones of 21 candidates",
      `SELECT contact_id, channel, external_id FROM identities WHERE contact_id IN (${ids}) AND channel IN ('email', 'phone')`,
      [],
    ],
  ];
  const lines: string[] = [];
  for (const [label, sql, args] of queries) {
    const times: number[] = [];
    for (let i = 0; i < 50; i++) {
      const started = performance.now();
      await store.client.execute({ sql, args: args as never });
      times.push(performance.now() - started);
    }
    const plan = (await store.client.execute({ sql: `EXPLAIN QUERY PLAN ${sql}`, args: args as never })).rows
      .map((r) => String(r.detail))
      .join("; ");
    lines.push(`| ${label} | ${ms(quantile(times, 0.5))} | \`${plan}\` |`);
  }
  return lines;
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "switchboard-bench-identity-"));
  try {
    const big = join(dir, "big.db");
    const store = await openStore({ url: `file:${big}` });
    await store.migrate();
    console.error(`seeding ${CONTACTS} contacts, ${CONTACTS * 2} identities, ${CLAIMS} claims …`);
    const seedMs = await seed(store, CONTACTS);
    const counts = (
      await store.client.execute("SELECT (SELECT count(*) FROM identities) AS identities, (SELECT count(*) FROM identity_claims) AS claims")
    ).rows[0]!;
    const lookups = await queryTimings(store);
    store.close();
    console.error(`seeded in ${(seedMs / 1000).toFixed(1)} s; measuring …`);
    const atScale = await measure(big, CONTACTS, "big");
    const empty = join(dir, "empty.db");
    const baseline = await measure(empty, 0, "empty");
    const scale =
      Number(counts.identities) >= 1_000_000 ? `${Number(counts.identities) / 1_000_000}M` : Number(counts.identities).toLocaleString("en");
    const lines = atScale.map((r, i) => {
      const b = baseline[i]!;
      return `| ${r.shape} | ${ms(b.ingestP50)} / ${ms(b.ingestP95)} | ${ms(r.ingestP50)} / ${ms(r.ingestP95)} | ${ms(b.stageP50)} / ${ms(b.stageP95)} | **${ms(r.stageP50)} / ${ms(r.stageP95)}** |`;
    });
    const markdown = [
      `## Identity resolution at ${scale} identities (issue 7)`,
      "",
      `\`npm run bench:identity\` (bench/identity.ts): ${Number(counts.identities).toLocaleString("en")} identities (${CONTACTS.toLocaleString("en")} contacts, each with a channel identity and a verified email) and ${Number(counts.claims).toLocaleString("en")} unverified email claims, seeded with raw SQL in ${(seedMs / 1000).toFixed(1)} s; names from 900 full names (~${Math.round(CONTACTS / 900)} contacts share each, so same-name checks find many candidates). ${N} messages per shape through \`switchboard.ingest\` into an API channel inbox (one at a time), after 20 untimed. "Identity stage" is identify → record identities and claims → suggest merges, timed alone in a transaction that is rolled back. Milliseconds, p50 / p95.`,
      "",
      `| message | ingest, empty database | ingest, ${scale} identities | identity stage, empty | identity stage, ${scale} identities |`,
      "| --- | --- | --- | --- | --- |",
      ...lines,
      "",
      "Ingest times include everything else in the pipeline (threading, the message and its full-text row, events), and on a shared machine they vary run to run by more than the identity stage costs; the shapes are not alike on both databases (a returning customer on the empty one always joins the same open conversation). The unverified-email shape is the worst case on purpose: every seeded claim is at the same domain, so each new customer's name matches up to 20 same-name contacts with the same email domain, and up to 20 suggestions are written (the cap per signal). The lookups the identity stage makes, each timed alone at this scale (median of 50, milliseconds), all use an index:",
      "",
      "| lookup | ms | SQLite plan |",
      "| --- | --- | --- |",
      ...lookups,
      "",
      `Machine: ${machineLine()}`,
    ].join("\n");
    writeSection("identity", markdown, OUT);
    console.log(markdown);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) await main();
