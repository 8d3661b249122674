/**
 * End to end, in headless Chromium against a Switchboard on 127.0.0.1: a customer message POSTed to
 * the API channel shows up live (no reload) in the list and the timeline; a reply reaches the shop
 * as a signed webhook and its delivery status turns to Sent on the page; a private note stays inside; assigning and resolving (button and `e`) update
 * the page; search finds a message and opens its conversation; and customer text that looks like HTML is shown as text and never runs.
 */

import { eq } from "drizzle-orm";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { conversations, messages, outbox } from "../../core/src/store/schema.ts";
import { verifyWebhookSignature } from "../../core/src/webhooks/signature.ts";
import { launchBrowser, type TestBrowser, useSession, waitForLive } from "./browser.ts";
import { type E2EServer, SHOP_SECRET, startServer } from "./server.ts";

let server: E2EServer;
let chrome: TestBrowser;
let page: Page;

beforeAll(async () => {
  [server, chrome] = await Promise.all([startServer(), launchBrowser()]);
  ({ page } = await chrome.newPage());
  await useSession(page, server.url, await server.sessionFor("ada"));
});

afterAll(async () => {
  await chrome?.close();
  await server?.close();
});

afterEach(() => {
  expect(chrome.errors).toEqual([]);
});

let seq = 0;
/** A new customer with a first message, as the shop would POST it. */
async function newCustomer(name: string, text: string) {
  const contact = `cust-${++seq}`;
  const stored = await server.customerWrites({ id: `${contact}-m1`, contact: { id: contact, name }, text });
  return { contact, ...stored };
}

/** Opens a conversation by clicking its row in the list (htmx swaps the pane), and waits for the live stream. */
async function openFromList(conversationId: number) {
  await page.goto(`${server.url}/inbox?view=all`);
  await page.click(`#list li[data-conversation="${conversationId}"] a`);
  await page.waitForURL(`**/inbox/conversations/${conversationId}`);
  await page.locator(`#main[aria-label="Conversation #${conversationId}"]`).waitFor();
  await waitForLive(page);
}

const timeline = () => page.locator("#timeline");
const header = () => page.locator("#conv-head");

describe("a customer message through the API channel", () => {
  test("shows up live in the list and in the open timeline, without a reload", async () => {
    const grace = await newCustomer("Grace Hopper", "Hi! My invoice #4411 shows the wrong VAT number.");
    await openFromList(grace.conversation_id);
    await timeline().getByText("Hi! My invoice #4411").waitFor();
    await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));

    const again = await server.customerWrites({
      id: `${grace.contact}-m2`,
      contact: { id: grace.contact },
      text: "It should be DE123456789.",
    });
    expect(again.conversation_id).toBe(grace.conversation_id);
    await timeline().getByText("It should be DE123456789.").waitFor();
    await page
      .locator(`#list li[data-conversation="${grace.conversation_id}"] .preview`, { hasText: "It should be DE123456789." })
      .waitFor();

    const linus = await newCustomer("Linus T.", "The widget does not load on Firefox.");
    await page
      .locator(`#list li[data-conversation="${linus.conversation_id}"]`, { hasText: "The widget does not load on Firefox." })
      .waitFor();
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
  });
});

describe("the composer", () => {
  test("sends a reply that reaches the shop as a signed webhook", async () => {
    const ada = await newCustomer("Ada Lovelace", "Can I upgrade mid-cycle?");
    await openFromList(ada.conversation_id);
    await page.fill(".composer textarea", "Yes, the difference is prorated.");
    await page.click(".composer button.primary");

    const hook = await server.receiver.waitFor((h) => h.json.message.text === "Yes, the difference is prorated.");
    expect(hook.json.event).toBe("message.outgoing");
    expect(hook.json.message.conversation_id).toBe(ada.conversation_id);
    expect(hook.json.message.contact.id).toBe(ada.contact);
    expect(await verifyWebhookSignature(SHOP_SECRET, hook.headers.get("X-Switchboard-Signature"), hook.body)).toEqual({ ok: true });
    const sent = timeline().locator("article.msg.outgoing", { hasText: "Yes, the difference is prorated." });
    await sent.locator(".badge", { hasText: "Sent" }).waitFor();
    expect(await page.inputValue(".composer textarea")).toBe("");
  });

  test("keeps a private note inside Switchboard", async () => {
    const bill = await newCustomer("Bill", "Where is my refund?");
    await openFromList(bill.conversation_id);
    await page.check(".composer input[name=kind][value=note]");
    await page.fill(".composer textarea", "@Bob can you check the refund queue?");
    await page.click(".composer button.primary");

    const note = timeline().locator("article.msg.note", { hasText: "can you check the refund queue?" });
    await note.waitFor();
    expect(await note.locator(".mention").textContent()).toBe("@Bob");
    const [stored] = await server.harness.switchboard.store.db
      .select()
      .from(messages)
      .where(eq(messages.text, "@Bob can you check the refund queue?"));
    expect(stored!.direction).toBe("note");
    expect(await server.harness.switchboard.store.db.select().from(outbox).where(eq(outbox.messageId, stored!.id))).toEqual([]);
    expect(server.receiver.received.some((h) => h.body.includes("refund queue"))).toBe(false);
  });
});

describe("actions", () => {
  test("assigns to oneself and to another agent", async () => {
    const carl = await newCustomer("Carl", "My order never arrived.");
    await openFromList(carl.conversation_id);
    await header().getByRole("button", { name: "Assign to me" }).click();
    await timeline().getByText("Assigned to Ada Admin by Ada Admin").waitFor();
    await header().getByRole("button", { name: "Assign to me" }).waitFor({ state: "detached" });
    expect(await page.inputValue("#assignee")).toBe(String(server.agentIds.ada));

    await page.selectOption("#assignee", String(server.agentIds.bob));
    await header().getByRole("button", { name: "Assign", exact: true }).click();
    await timeline().getByText("Assigned to Bob Agent by Ada Admin").waitFor();
    const [row] = await server.harness.switchboard.store.db.select().from(conversations).where(eq(conversations.id, carl.conversation_id));
    expect(row!.assigneeId).toBe(server.agentIds.bob);
  });

  test("resolves with the button and with the e shortcut, and the open list drops it live", async () => {
    const dora = await newCustomer("Dora", "Thanks, all good now!");
    await openFromList(dora.conversation_id);
    await header().getByRole("button", { name: "Resolve" }).click();
    await timeline().getByText("Status changed from open to resolved by Ada Admin").waitFor();
    await header().getByRole("button", { name: "Reopen" }).click();
    await timeline().getByText("Status changed from resolved to open by Ada Admin").waitFor();
    await header().getByRole("button", { name: "Resolve" }).waitFor();

    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press("e");
    await header().getByRole("button", { name: "Reopen" }).waitFor();
    await timeline().getByText("Status changed from open to resolved by Ada Admin").nth(1).waitFor();
    await page.locator(`#list li[data-conversation="${dora.conversation_id}"]`).waitFor({ state: "detached" });
    const [row] = await server.harness.switchboard.store.db.select().from(conversations).where(eq(conversations.id, dora.conversation_id));
    expect(row!.status).toBe("resolved");
  });
});

describe("search", () => {
  test("finds a message by a word, highlights it and opens its conversation", async () => {
    const fay = await newCustomer("Fay", "The parcel tracking number XJ-42 is wrong.");
    await page.goto(`${server.url}/inbox?view=all`);
    await page.keyboard.press("/");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("q");
    await page.keyboard.type("parcel");
    // The search keeps the list's filters (issue 21.2).
    await Promise.all([page.waitForURL("**/inbox?q=parcel&view=all&status=open"), page.keyboard.press("Enter")]);
    const results = page.locator("main[aria-label='Search results']");
    expect(await results.locator("mark").first().textContent()).toBe("parcel");
    await results.getByRole("link", { name: `Conversation #${fay.conversation_id}` }).click();
    await page.waitForURL(`**/inbox/conversations/${fay.conversation_id}*`);
    await timeline().getByText("The parcel tracking number XJ-42 is wrong.").waitFor();
  });
});

describe("escaping", () => {
  const SCRIPT = "<script>window.__pwned=1</script>";
  const IMG = `<img src=x onerror="window.__pwned=1">`;
  const pwned = () => page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned);

  test("shows customer HTML as text, live and on a fresh load, and never runs it", async () => {
    const eve = await newCustomer("Eve <b>Mallory</b>", "Hello");
    await openFromList(eve.conversation_id);
    await server.customerWrites({ id: `${eve.contact}-m2`, contact: { id: eve.contact }, text: SCRIPT });
    await server.customerWrites({ id: `${eve.contact}-m3`, contact: { id: eve.contact }, text: IMG });
    await timeline().getByText(SCRIPT, { exact: true }).waitFor();
    await timeline().getByText(IMG, { exact: true }).waitFor();
    await page.locator("#list").getByText(IMG, { exact: true }).waitFor();
    expect(await pwned()).toBeUndefined();

    await page.reload();
    await timeline().getByText(SCRIPT, { exact: true }).waitFor();
    await timeline().getByText(IMG, { exact: true }).waitFor();
    await page.locator("#conv-head h1", { hasText: "Eve <b>Mallory</b>" }).waitFor();
    expect(await page.locator("img[src='x'], #timeline script, #list script").count()).toBe(0);

    await page.fill("#q", "pwned");
    await page.press("#q", "Enter");
    await page.locator("main[aria-label='Search results'] mark").first().waitFor();
    expect(await page.locator("main[aria-label='Search results']").textContent()).toContain("window.__pwned=1");
    expect(await page.locator("img[src='x']").count()).toBe(0);
    expect(await pwned()).toBeUndefined();
  });
});
