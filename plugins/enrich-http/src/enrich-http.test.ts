// enrich-http against a fake CRM on loopback: field mapping (and routing that reads the facts),
// a slow CRM that does not delay ingestion, a timeout, HTTP errors and bad JSON logged with their
// codes, 404 as "unknown", verified-only lookups, and the TTL cache.
import { fileURLToPath } from "node:url";
import { createLogger } from "@switchboard/core";
import { createTestHarness, type Harness, tables, writeFixturePlugin } from "@switchboard/core/testing";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { mapFacts } from "./mapping.ts";

const PLUGIN = fileURLToPath(new URL("./index.ts", import.meta.url));

let harness: Harness | undefined;
let crm: ReturnType<typeof Bun.serve> | undefined;
afterEach(async () => {
  await harness?.close();
  crm?.stop(true);
  harness = undefined;
  crm = undefined;
});

interface Call {
  body: { email: string | null; phone: string | null; identifiers: { kind: string; value: string; verified: boolean }[] };
}

/** A fake CRM: `answer` decides each response (after an optional delay). */
function fakeCrm(answer: (call: Call) => { status?: number; body?: string; delayMs?: number }) {
  const calls: Call[] = [];
  crm = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      const call = { body: await request.json() } as Call;
      calls.push(call);
      const { status = 200, body = "{}", delayMs = 0 } = answer(call);
      if (delayMs) await Bun.sleep(delayMs);
      return new Response(body, { status, headers: { "Content-Type": "application/json" } });
    },
  });
  return { url: `http://127.0.0.1:${crm.port}/lookup`, calls };
}

const FIELDS = {
  plan: "data.plan",
  vip: { path: "data.flags.vip", type: "boolean" },
  lifetime_value: { path: "data.ltv", type: "number" },
  account_manager: "data.owner.name",
};
const CUSTOMER = JSON.stringify({ data: { plan: "enterprise", flags: { vip: "yes" }, ltv: "12000.5", owner: { name: "Mia" } } });

/** A harness with the plugin; `logs` collects every log line. */
async function start(
  options: Record<string, unknown>,
  extra: { config?: Record<string, unknown>; plugins?: Record<string, { package: string }> } = {},
) {
  const logs: { msg: string; error?: { code?: string; message: string } }[] = [];
  const log = createLogger({ level: "info", destination: { write: (line: string) => void logs.push(JSON.parse(line)) } });
  harness = await createTestHarness({ log, config: extra.config, plugins: { crm: { package: PLUGIN, options }, ...extra.plugins } });
  return { harness, logs };
}

const say = (h: Harness, id: string, contact: Record<string, unknown>) =>
  h.inject({ externalId: id, contact: { externalId: "u1", ...contact } as never, text: "hello" });
const factsOf = async (h: Harness) => (await h.switchboard.store.db.select().from(tables.contacts))[0]!.attributes;

describe("enrich-http", () => {
  it("maps the CRM's answer to facts that routing can use in time (enrichment.wait_ms), and shows them in the sidebar data", async () => {
    const { url, calls } = fakeCrm(() => ({ body: CUSTOMER }));
    const router = writeFixturePlugin(
      `ctx.route((input) => { (globalThis.__routedWith ??= []).push(input.contact.attributes); return null; });`,
      { name: "spy-router" },
    );
    const { harness: h } = await start(
      { url, fields: FIELDS },
      { config: { enrichment: { wait_ms: 2000 } }, plugins: { router: { package: router } } },
    );
    const stored = await say(h, "m1", { email: "Ann@Example.com", verified: true });
    expect(stored.status).toBe("stored");
    expect(calls[0]!.body).toMatchObject({
      email: "ann@example.com",
      phone: null,
      identifiers: [{ kind: "email", value: "ann@example.com", verified: true }],
    });
    const facts = { plan: "enterprise", vip: true, lifetime_value: 12000.5, account_manager: "Mia" };
    expect((await factsOf(h)).enrichment).toEqual({ crm: facts });
    expect((globalThis as { __routedWith?: unknown[] }).__routedWith).toEqual([expect.objectContaining({ enrichment: { crm: facts } })]);
  });

  it("never delays ingestion for a slow CRM: the answer is stored when it comes, and contact.enriched is published", async () => {
    const { url } = fakeCrm(() => ({ body: CUSTOMER, delayMs: 1500 }));
    const { harness: h } = await start({ url, fields: FIELDS, timeout_ms: 5000 });
    const events: string[] = [];
    h.switchboard.bus.on("contact.enriched", (e) => void events.push(e.data.plugins.join()));
    const started = performance.now();
    expect((await say(h, "m1", { email: "ann@example.com", verified: true })).status).toBe("stored");
    expect(performance.now() - started).toBeLessThan(1000);
    expect((await factsOf(h)).enrichment).toBeUndefined();
    await h.drain();
    expect((await factsOf(h)).enrichment).toEqual({ crm: expect.objectContaining({ plan: "enterprise" }) });
    expect(events).toEqual(["crm"]);
  });

  it("logs a timeout, an HTTP error and bad JSON with their codes, and stores the message without facts", async () => {
    let mode = "slow";
    const { url } = fakeCrm(() =>
      mode === "slow"
        ? { body: CUSTOMER, delayMs: 1500 }
        : mode === "500"
          ? { status: 500, body: "database down" }
          : { body: "<html>oops" },
    );
    const { harness: h, logs } = await start({ url, fields: FIELDS, timeout_ms: 100 });
    const failures = () => logs.filter((l) => l.msg.startsWith("enrichment failed")).map((l) => [l.error?.code, l.error?.message]);
    const started = performance.now();
    await say(h, "m1", { email: "ann@example.com", verified: true });
    expect(performance.now() - started).toBeLessThan(1000);
    await h.drain();
    expect(failures()).toEqual([["SWB_ERR_HOOK_TIMEOUT", 'Enrichment by "enrich-http" took longer than 100 ms.']]);
    mode = "500";
    await say(h, "m2", { email: "ann@example.com", verified: true });
    await h.drain();
    mode = "bad";
    await say(h, "m3", { email: "ann@example.com", verified: true });
    await h.drain();
    expect(failures().slice(1)).toEqual([
      ["SWB_ENRICH_HTTP_STATUS", `POST ${url} answered HTTP 500: database down`],
      [
        "SWB_ENRICH_HTTP_BAD_JSON",
        expect.stringMatching(new RegExp(`^POST ${url} answered with invalid JSON \\(.*\\); it starts with "<html>oops"\\.$`)),
      ],
    ]);
    expect(await h.switchboard.store.db.select({ text: tables.messages.text }).from(tables.messages)).toHaveLength(3);
    expect((await factsOf(h)).enrichment).toBeUndefined();
  });

  it("caches answers (404 included) for ttl_minutes, and asks only about verified identifiers by default", async () => {
    const { url, calls } = fakeCrm((call) =>
      call.body.email === "known@example.com" ? { body: CUSTOMER } : { status: 404, body: '{"error":"unknown"}' },
    );
    const { harness: h } = await start({ url, fields: FIELDS, ttl_minutes: 30 });
    await say(h, "m0", { email: "typed@example.com" });
    expect(calls).toHaveLength(0);
    await h.inject({ externalId: "m1", contact: { externalId: "u2", email: "known@example.com", verified: true }, text: "hi" });
    await h.inject({ externalId: "m2", contact: { externalId: "u3", email: "nobody@example.com", verified: true }, text: "hi" });
    await h.drain();
    expect(calls).toHaveLength(2);
    h.clock.advance(10 * 60_000);
    await h.inject({ externalId: "m3", contact: { externalId: "u2", email: "known@example.com", verified: true }, text: "again" });
    await h.inject({ externalId: "m4", contact: { externalId: "u3", email: "nobody@example.com", verified: true }, text: "again" });
    await h.drain();
    expect(calls).toHaveLength(2);
    h.clock.advance(25 * 60_000);
    await h.inject({ externalId: "m5", contact: { externalId: "u2", email: "known@example.com", verified: true }, text: "later" });
    await h.drain();
    expect(calls).toHaveLength(3);
    const [known] = await h.switchboard.store.db.select().from(tables.contacts).where(eq(tables.contacts.email, "known@example.com"));
    expect(known!.attributes.enriched_at).toEqual({ crm: h.clock.now() });
  });

  it("refuses options without a mapping, naming the file, the key and the fix", async () => {
    await expect(start({ url: "http://127.0.0.1:9/x", fields: {} })).rejects.toThrow(
      /plugins\.crm\.options\.fields \(plugin "enrich-http"\): map at least one fact, e\.g\. \[plugins\.crm\.options\.fields\] plan = "data\.plan"/,
    );
  });
});

describe("mapFacts", () => {
  it("reads dotted paths (with array indexes) and converts types, reporting what does not fit", () => {
    expect(
      mapFacts(
        { a: "x.0.y", n: { path: "n", type: "number" }, b: { path: "b", type: "boolean" }, s: { path: "o", type: "string" } },
        { x: [{ y: 1 }], n: "abc", b: 1, o: { z: 1 } },
      ),
    ).toEqual({
      facts: { a: 1, b: true },
      unconvertible: ["n", "s"],
    });
  });
});
