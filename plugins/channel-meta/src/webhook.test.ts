// The Meta webhook of a Messenger or Instagram inbox, through a real HTTP listener and the fake
// Graph API: the hub.challenge handshake, X-Hub-Signature-256 over the raw bytes (emoji included),
// several pages and an Instagram account behind one app's callback URL, each its own inbox, and
// page-scoped identities with names from the Graph API, cached for a day.

import { type Harness, storedMessages, tables, waitForMessages } from "@switchboard/core/testing";
import { metaJson, signMetaBody } from "@switchboard/meta-graph";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { customerMessage } from "../test-support/fake-meta.ts";
import { IG, type MetaInboxes, PAGE_A, PAGE_B, startMetaInboxes, VERIFY } from "../test-support/kit.ts";

let env: MetaInboxes | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

const contacts = (harness: Harness) => harness.switchboard.store.db.select().from(tables.contacts);

describe("the Meta webhook", () => {
  it("answers Meta's verification GET with the challenge, and 403 on a wrong verify token", async () => {
    env = await startMetaInboxes();
    const ok = await fetch(`${env.hook("fb-a")}?hub.mode=subscribe&hub.verify_token=${VERIFY}&hub.challenge=8812736`);
    expect([ok.status, await ok.text()]).toEqual([200, "8812736"]);
    const wrong = await fetch(`${env.hook("ig")}?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1`);
    expect(wrong.status).toBe(403);
  });

  it("checks the signature over the raw bytes: emoji and accents arrive intact, a re-serialised or unsigned body is refused", async () => {
    env = await startMetaInboxes();
    const event = customerMessage("2001", PAGE_A, { text: "Olá! Ça va? 👋🏽 / ñ" });
    const payload = { object: "page", entry: [{ id: PAGE_A, time: Date.now(), messaging: [event] }] };
    const body = metaJson(payload);
    expect(body).toContain("\\ud83d\\udc4b");
    const signature = await signMetaBody(env.meta.graph.appSecret, body);
    const tampered = await env.meta.graph.deliver(env.hook("fb-a"), payload, { body: JSON.stringify(payload), signature });
    expect(tampered.status).toBe(401);
    expect((await env.meta.graph.deliver(env.hook("fb-a"), payload, { signature: null })).status).toBe(401);
    expect((await env.meta.graph.deliver(env.hook("fb-a"), payload, { appSecret: "another-app-secret" })).status).toBe(401);
    expect(await storedMessages(env.harness, "fb-a")).toEqual([]);
    const ok = await env.meta.graph.deliver(env.hook("fb-a"), payload, { body, signature });
    expect(ok.status).toBe(200);
    const [row] = await storedMessages(env.harness, "fb-a");
    expect(row!.text).toBe("Olá! Ça va? 👋🏽 / ñ");
  });

  it("refuses bodies that are not Meta deliveries with a 4xx and a reason", async () => {
    env = await startMetaInboxes();
    const notJson = await env.meta.graph.deliver(env.hook("fb-a"), null, { body: "entry=1" });
    expect(notJson.status).toBe(400);
    const other = await env.meta.graph.deliver(env.hook("fb-a"), { object: "user", entry: [] });
    expect([other.status, other.text.includes("is not one this webhook takes")]).toEqual([400, true]);
  });

  it("acknowledges events it cannot read (logged, skipped) and stores the good ones of the same delivery", async () => {
    env = await startMetaInboxes();
    const res = await env.meta.deliver(env.hook("fb-a"), "page", PAGE_A, [
      { recipient: { id: PAGE_A }, timestamp: 1, message: { mid: "m_no_sender", text: "who?" } },
      { sender: { id: "2001" }, recipient: { id: PAGE_A }, timestamp: 2, message: { text: "no mid" } },
      customerMessage("2001", PAGE_A, { attachments: [{ type: "image", payload: { url: "not a url" } }] }, 3),
      { sender: { id: "2001" }, recipient: { id: PAGE_A }, timestamp: 4, optin: { ref: "x" } },
      customerMessage("2001", PAGE_A, { text: "the good one" }, 5),
    ]);
    expect(res.status).toBe(200);
    const rows = await storedMessages(env.harness, "fb-a");
    expect(rows.map((r) => r.text)).toEqual(["", "the good one"]);
    const listed = rows[0]!.metadata.messenger as { skippedFiles: { reason: string }[] };
    expect(listed.skippedFiles[0]!.reason).toContain("download failed");
  });

  it("hands each entry to the inbox of its page or account, whichever inbox's URL the app calls", async () => {
    env = await startMetaInboxes();
    const res = await env.meta.graph.deliver(env.hook("fb-a"), {
      object: "page",
      entry: [
        { id: PAGE_A, time: 1, messaging: [customerMessage("2001", PAGE_A, { text: "to page A" })] },
        { id: PAGE_B, time: 1, messaging: [customerMessage("3001", PAGE_B, { text: "to page B" })] },
        { id: "999999999", time: 1, messaging: [customerMessage("4001", "999999999", { text: "to nobody" })] },
      ],
    });
    expect(res.status).toBe(200);
    expect(
      (await env.meta.deliver(env.hook("fb-a"), "instagram", IG, [customerMessage("5001", IG, { text: "to Instagram" })])).status,
    ).toBe(200);
    expect((await storedMessages(env.harness, "fb-a")).map((m) => m.text)).toEqual(["to page A"]);
    expect((await storedMessages(env.harness, "fb-b")).map((m) => m.text)).toEqual(["to page B"]);
    const [ig] = await storedMessages(env.harness, "ig");
    expect([ig!.text, ig!.channel]).toEqual(["to Instagram", "instagram"]);
  });
});

describe("health", () => {
  it("is ok when the Graph API knows the account, and says what to check when it does not", async () => {
    env = await startMetaInboxes();
    env.meta.profiles.set(PAGE_A, { name: "Acme Shoes" });
    expect(await env.harness.switchboard.inboxes.health("fb-a")).toEqual({ ok: true, message: "Messenger account Acme Shoes reachable" });
    const missing = await env.harness.switchboard.inboxes.health("ig");
    expect(missing.ok).toBe(false);
    expect(missing.message).toContain("Check access_token and account_id");
  });
});

describe("page-scoped identities", () => {
  it("keeps one person writing to two pages as two contacts (their ids are page-scoped), even when the ids are equal", async () => {
    env = await startMetaInboxes();
    env.meta.profiles.set("7001", { first_name: "Ada", last_name: "Lovelace", profile_pic: "https://cdn.example/ada.jpg" });
    env.meta.profiles.set("8001", { first_name: "Ada", last_name: "Lovelace", profile_pic: "https://cdn.example/ada2.jpg" });
    await env.meta.deliver(env.hook("fb-a"), "page", PAGE_A, [customerMessage("7001", PAGE_A, { text: "hi from page A" })]);
    await env.meta.deliver(env.hook("fb-b"), "page", PAGE_B, [customerMessage("8001", PAGE_B, { text: "hi from page B" })]);
    await env.meta.deliver(env.hook("fb-b"), "page", PAGE_B, [customerMessage("7001", PAGE_B, { text: "same id, other page" })]);
    const [a] = await storedMessages(env.harness, "fb-a");
    const [b, sameId] = await storedMessages(env.harness, "fb-b");
    expect(new Set([a!.contactId, b!.contactId, sameId!.contactId]).size).toBe(3);
    const identities = await env.harness.switchboard.store.db.select().from(tables.identities);
    expect(identities.filter((i) => i.channel === "messenger").map((i) => [i.externalId, i.scope])).toEqual(
      expect.arrayContaining([
        ["7001", "fb-a"],
        ["8001", "fb-b"],
        ["7001", "fb-b"],
      ]),
    );
    const [ada] = await env.harness.switchboard.store.db.select().from(tables.contacts).where(eq(tables.contacts.id, a!.contactId));
    expect(ada!.name).toBe("Ada Lovelace");
  });

  it("asks the Graph API for a profile at most once a day per customer", async () => {
    env = await startMetaInboxes();
    env.meta.profiles.set("9001", { name: "Grace Hopper", username: "grace.h", profile_pic: "https://cdn.example/g.jpg" });
    const say = (text: string) => env!.meta.deliver(env!.hook("ig"), "instagram", IG, [customerMessage("9001", IG, { text })]);
    await say("one");
    await say("two");
    expect(env.meta.graph.callsTo("GET /9001")).toHaveLength(1);
    env.meta.profiles.set("9001", { name: "Grace B. Hopper", username: "grace.h", profile_pic: "https://cdn.example/g.jpg" });
    env.harness.clock.advance(86_400_000 + 1);
    await say("three");
    expect(env.meta.graph.callsTo("GET /9001")).toHaveLength(2);
    expect(env.meta.graph.callsTo("GET /9001")[0]!.query.get("fields")).toBe("name,username,profile_pic");
    const rows = await waitForMessages(env.harness, "ig", 3);
    expect(new Set(rows.map((r) => r.contactId)).size).toBe(1);
    const [grace] = await contacts(env.harness);
    expect(grace!.name).toBe("Grace Hopper");
    expect(JSON.stringify(grace!.attributes)).toContain("@grace.h");
    await env.harness.drain();
    const [enriched] = await contacts(env.harness);
    // The facts follow the daily refresh; the contact's own name stays as first seen (an agent may edit it).
    expect((enriched!.attributes.enrichment as Record<string, Record<string, unknown>>).meta).toMatchObject({
      name: "Grace B. Hopper",
      username: "@grace.h",
      profile_picture: "https://cdn.example/g.jpg",
    });
  });
});
