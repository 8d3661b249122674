// The WhatsApp Cloud webhook over real HTTP on loopback: Meta's verification handshake, the
// signature over the raw bytes (Meta's escaped-Unicode serialisation, with emoji and accents, is
// accepted; the same JSON re-serialised is not), bad shapes answered 400 with the field, and one app
// serving two numbers: each change lands in the inbox of its phone_number_id, whichever webhook URL
// received it.
import { storedMessages, tables } from "@switchboard/core/testing";
import { metaJson, signMetaBody } from "@switchboard/meta-graph";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { message } from "../test-support/fake.ts";
import { inboxOptions, startWhatsAppInbox, VERIFY_TOKEN, type WhatsAppInbox } from "../test-support/kit.ts";

let inbox: WhatsAppInbox | undefined;
afterEach(async () => {
  await inbox?.close();
  inbox = undefined;
});

describe("the verification handshake", () => {
  it("answers the challenge to the right token and 403 to a wrong one", async () => {
    inbox = await startWhatsAppInbox();
    const get = (token: string) =>
      fetch(`${inbox!.publicUrl}/webhooks/wa?hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=1158201444`);
    const ok = await get(VERIFY_TOKEN);
    expect([ok.status, await ok.text()]).toEqual([200, "1158201444"]);
    const wrong = await get("not-the-token");
    expect(wrong.status).toBe(403);
    expect(await wrong.text()).toContain("hub.verify_token does not match");
  });
});

describe("signed deliveries", () => {
  it("checks the signature over the raw bytes: Meta's escaped emoji and accents pass, a re-serialised body does not", async () => {
    inbox = await startWhatsAppInbox();
    const text = "Olá! Mi pedido está retrasado 😤 — ¿dónde está? Ünïcödé ✓";
    const payload = message("text", { body: text }, { id: "wamid.emoji" });
    const raw = metaJson(payload);
    expect(raw).toContain("\\ud83d\\ude24"); // what Meta sends: non-ASCII escaped
    const signature = await signMetaBody(inbox.wa.graph.appSecret, raw);

    const reserialised = JSON.stringify(payload); // the same JSON, other bytes
    const refused = await inbox.deliver(payload, { body: reserialised, signature });
    expect(refused.status).toBe(401);
    expect(await storedMessages(inbox.harness, "wa")).toEqual([]);

    expect((await inbox.deliver(payload, { signature: null })).status).toBe(401);
    expect((await inbox.deliver(payload, { signature: "sha256=00" })).status).toBe(401);

    const accepted = await inbox.deliver(payload, { body: raw, signature });
    expect([accepted.status, accepted.text]).toEqual([200, "EVENT_RECEIVED"]);
    const [stored] = await storedMessages(inbox.harness, "wa");
    expect(stored!.text).toBe(text);
    // Re-delivered (Meta retries): stored once.
    expect((await inbox.deliver(payload)).status).toBe(200);
    expect(await storedMessages(inbox.harness, "wa")).toHaveLength(1);
  });

  it("answers a delivery that does not fit the Cloud API's shape with 400 naming the field, and stores nothing", async () => {
    inbox = await startWhatsAppInbox();
    const bad = message("text", { body: "hi" });
    (bad.entry[0]!.changes[0]!.value as unknown as { messages: Record<string, unknown>[] }).messages[0]!.timestamp = "yesterday";
    const answer = await inbox.deliver(bad);
    expect(answer.status).toBe(400);
    expect(answer.text).toContain("entry[0].changes[0].value.messages[0].timestamp: expected the seconds since the epoch");
    const noSender = message("text", { body: "hi" });
    delete (noSender.entry[0]!.changes[0]!.value as unknown as { messages: Record<string, unknown>[] }).messages[0]!.from;
    expect((await inbox.deliver(noSender)).text).toContain("a message needs `from` or `from_user_id`");
    const wrongObject = await inbox.deliver({ object: "page", entry: [] });
    expect(wrongObject.status).toBe(400);
    expect(await storedMessages(inbox.harness, "wa")).toEqual([]);
  });
});

describe("one app, several numbers", () => {
  it("routes each change to the inbox of its phone_number_id, and acknowledges a number no inbox serves", async () => {
    inbox = await startWhatsAppInbox({}, { inboxes: (wa) => ({ wa2: inboxOptions(wa, { phone_number_id: "200000000000002" }) }) });
    expect((await inbox.deliver(message("text", { body: "to the second number" }, { phoneNumberId: "200000000000002" }))).status).toBe(200);
    expect((await inbox.deliver(message("text", { body: "to the first" }), { inbox: "wa2" })).status).toBe(200);
    expect((await inbox.deliver(message("text", { body: "nobody's" }, { phoneNumberId: "999999999999" }))).status).toBe(200);
    expect((await storedMessages(inbox.harness, "wa2")).map((m) => m.text)).toEqual(["to the second number"]);
    expect((await storedMessages(inbox.harness, "wa")).map((m) => m.text)).toEqual(["to the first"]);
    // One person on two numbers is one contact: the phone number is global to WhatsApp.
    const contacts = await inbox.harness.switchboard.store.db
      .select()
      .from(tables.contacts)
      .where(eq(tables.contacts.phone, "+16505551234"));
    expect(contacts).toHaveLength(1);
  });

  it("refuses two inboxes on one number at start-up of the second, saying why", async () => {
    inbox = await startWhatsAppInbox({}, { inboxes: (wa) => ({ twin: inboxOptions(wa) }) });
    const twin = inbox.harness.switchboard.inboxes.get("twin");
    expect(twin?.state).toBe("failed");
    expect(twin?.error).toContain('both set phone_number_id = "106540352242922"');
  });
});

describe("health", () => {
  it("names the number and its quality when the Graph API knows it, and says what to check when the token is refused", async () => {
    inbox = await startWhatsAppInbox(
      {},
      {
        inboxes: (wa) => ({ revoked: inboxOptions(wa, { phone_number_id: "300000000000003", access_token: "EAArevokedToken000000000" }) }),
      },
    );
    expect(await inbox.harness.switchboard.inboxes.health("wa")).toEqual({
      ok: true,
      message: "WhatsApp +1 555-078-3881 (Switchboard Test), quality GREEN",
    });
    const revoked = await inbox.harness.switchboard.inboxes.health("revoked");
    expect(revoked.ok).toBe(false);
    expect(revoked.message).toContain("Check phone_number_id and access_token.");
    expect(revoked.message).not.toContain("EAArevokedToken000000000");
  });
});
