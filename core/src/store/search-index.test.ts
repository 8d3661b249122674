// Messages reach the full-text index after their write: a running Switchboard indexes them in the
// background a moment later, many at once. (That a search first indexes what is left, so it finds a
// message the moment its write is acknowledged, is in inbox/search.test.ts and the migrations' test.)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { stringify } from "smol-toml";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfigText } from "../config/load.ts";
import { createLogger } from "../log/index.ts";
import { workTotals } from "../perf/work.ts";
import { createSwitchboard, type Switchboard } from "../switchboard.ts";

const API_PLUGIN = fileURLToPath(new URL("../../../plugins/channel-api/src/index.ts", import.meta.url));
const SECRET = "shop-secret-0123456789";

let sb: Switchboard | undefined;
let dir: string | undefined;
afterEach(async () => {
  await sb?.stop();
  sb = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function running(): Promise<Switchboard> {
  dir = mkdtempSync(join(tmpdir(), "swb-search-index-"));
  const file = join(dir, "switchboard.toml");
  const config = {
    store: { url: `file:${join(dir, "switchboard.db")}` },
    plugins: { api: { package: API_PLUGIN } },
    inboxes: { shop: { plugin: "api", options: { secret: SECRET } } },
  };
  sb = await createSwitchboard(parseConfigText(stringify(config), file, {}), { log: createLogger({ level: "silent" }) });
  await sb.start();
  return sb;
}

const post = (s: Switchboard, id: string, text: string) =>
  s.app.request("/webhooks/shop/messages", {
    method: "POST",
    headers: { Authorization: `Bearer ${SECRET}`, "Content-Type": "application/json" },
    body: JSON.stringify({ id, contact: { id: "ann", name: "Ann" }, text }),
  });

const indexedHits = async (s: Switchboard, word: string) =>
  (await s.store.client.execute({ sql: "SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?", args: [word] })).rows.length;

describe("the message search index", () => {
  it("takes new messages in the background, a moment after they are written", async () => {
    const s = await running();
    const indexedBefore = workTotals()["search.indexed_messages"] ?? 0;
    for (let i = 0; i < 30; i++) expect((await post(s, `m${i}`, `parcel ${i} is late`)).status).toBe(201);
    const deadline = performance.now() + 10_000;
    while ((await indexedHits(s, "parcel")) < 30 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await indexedHits(s, "parcel")).toBe(30);
    const [progress] = (await s.store.client.execute("SELECT indexed_upto FROM search_progress WHERE name = 'messages'")).rows;
    const [last] = (await s.store.client.execute("SELECT max(id) AS id FROM messages")).rows;
    expect(Number(progress!.indexed_upto)).toBe(Number(last!.id));
    // Counted as work, so a stall logged while it ran names it (perf/work.ts).
    expect((workTotals()["search.indexed_messages"] ?? 0) - indexedBefore).toBe(30);
  });
});
