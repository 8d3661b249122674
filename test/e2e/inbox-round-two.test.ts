/**
 * End to end, in headless Chromium: the inbox fixes of issue 21. Canned responses open in a "/"
 * picker (searchable, previewed, variables filled) after a full load and after an htmx swap, and
 * Send never delivers a literal "/hi".
 */

import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { cannedResponses } from "../../core/src/store/schema.ts";
import { launchBrowser, type TestBrowser, useSession, waitForLive } from "./browser.ts";
import { type E2EServer, startServer } from "./server.ts";

let server: E2EServer;
let chrome: TestBrowser;
let page: Page;

beforeAll(async () => {
  [server, chrome] = await Promise.all([startServer(), launchBrowser()]);
  await server.harness.switchboard.store.write((tx) =>
    tx.insert(cannedResponses).values([
      { shortcut: "hi", text: "Hi {{contact.first_name}}, {{agent.name}} here." },
      { shortcut: "refund-policy", text: "Refunds take 5 working days." },
    ]),
  );
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
async function newCustomer(name: string, text: string, extra: { email?: string } = {}) {
  const contact = `r2-${++seq}`;
  const stored = await server.customerWrites({ id: `${contact}-m1`, contact: { id: contact, name, ...extra }, text });
  return { contact, ...stored };
}

async function openFromList(conversationId: number) {
  await page.goto(`${server.url}/inbox?view=all`);
  await page.click(`#list li[data-conversation="${conversationId}"] a`);
  await page.locator(`#main[aria-label="Conversation #${conversationId}"]`).waitFor();
  await waitForLive(page);
}

describe("canned responses", () => {
  test("a / picker after a full page load: search, preview, Tab inserts with variables filled", async () => {
    const grace = await newCustomer("Grace Hopper", "Where is my parcel?");
    await page.goto(`${server.url}/inbox/conversations/${grace.conversation_id}`);
    const area = page.locator(".composer textarea");
    await area.click();
    await area.pressSequentially("/ref");
    const picker = page.locator("#canned-picker");
    await picker.waitFor({ state: "visible" });
    expect(await picker.locator("[role=option]:visible").count()).toBe(1);
    await picker.locator("[data-canned-preview]", { hasText: "Refunds take 5 working days." }).waitFor();
    await area.fill("");
    await area.pressSequentially("Hello /h");
    await picker.locator("[data-canned-preview]", { hasText: "Hi Grace, Ada Admin here." }).waitFor();
    await area.press("Tab");
    expect(await area.inputValue()).toBe("Hello Hi Grace, Ada Admin here.");
    await picker.waitFor({ state: "hidden" });
  });

  test("after opening from the list (htmx swap): Enter picks, and Send never sends a literal /hi", async () => {
    const linus = await newCustomer("Linus Torvalds", "The widget does not load.");
    await openFromList(linus.conversation_id);
    const area = page.locator(".composer textarea");
    await area.click();
    await area.pressSequentially("/hi");
    await page.locator("#canned-picker").waitFor({ state: "visible" });
    await area.press("Enter");
    expect(await area.inputValue()).toBe("Hi Linus, Ada Admin here.");
    await page.click(".composer button.primary");
    await server.receiver.waitFor((h) => h.json.message.conversation_id === linus.conversation_id);
    // Typed and sent without picking: still expanded.
    await area.fill("/refund-policy");
    await page.click(".composer button.primary");
    const hooks = () => server.receiver.received.filter((h) => h.json.message.conversation_id === linus.conversation_id);
    await server.receiver.waitFor((h) => h.json.message.conversation_id === linus.conversation_id && hooks().length === 2);
    expect(hooks().map((h) => h.json.message.text)).toEqual(["Hi Linus, Ada Admin here.", "Refunds take 5 working days."]);
  });
});

describe("search", () => {
  test("finds a contact by name and by email, shows the customer on message hits, and keeps the view", async () => {
    const ines = await newCustomer("Inès Dubois", "My voucher code QX77 is refused.", { email: "ines@dubois.example" });
    await page.goto(`${server.url}/inbox?view=unassigned`);
    for (const q of ["Dubois", "ines@dubois.example"]) {
      await page.fill("#q", q);
      await page.press("#q", "Enter");
      await page.waitForURL(/q=/);
      expect(new URL(page.url()).searchParams.get("view")).toBe("unassigned");
      await page.locator(`#main [data-contact="${ines.contact_id}"] a`, { hasText: "Inès Dubois" }).waitFor();
      await page.locator('.views a[aria-current="page"]', { hasText: "Unassigned" }).waitFor();
    }
    await page.fill("#q", "QX77");
    await page.press("#q", "Enter");
    await page.locator("#main .msg a", { hasText: `Inès Dubois · Conversation #${ines.conversation_id}` }).click();
    await page.locator(`#main[aria-label="Conversation #${ines.conversation_id}"]`).waitFor();
    expect(new URL(page.url()).searchParams.get("view")).toBe("unassigned");
  });
});

describe("j/k", () => {
  test("keep the selected row across a live refresh of the list", async () => {
    const older = await newCustomer("Jo Older", "first");
    const middle = await newCustomer("Jo Middle", "second");
    await newCustomer("Jo Newer", "third");
    await openFromList(middle.conversation_id);
    const newest = await newCustomer("Jo Newest", "fourth, arriving live");
    await page.locator(`#list li[data-conversation="${newest.conversation_id}"]`).waitFor();
    await page.locator(`#list li.selected[data-conversation="${middle.conversation_id}"]`).waitFor();
    await page.locator("body").press("j");
    await page.locator(`#main[aria-label="Conversation #${older.conversation_id}"]`).waitFor();
    await page.locator(`#list li.selected[data-conversation="${older.conversation_id}"]`).waitFor();
    await page.locator("body").press("k");
    await page.locator(`#main[aria-label="Conversation #${middle.conversation_id}"]`).waitFor();
  });
});

describe("merge and undo", () => {
  test("refresh the timeline and the Send on list without a reload", async () => {
    const shop = await newCustomer("Hana Shop", "Ordered on the web shop.");
    const other = await server.harness.inject({
      externalId: "r2-test-1",
      contact: { externalId: "hana-test", name: "Hana" },
      text: "Hi from the test channel.",
    });
    if (other.status !== "stored") throw new Error("not stored");
    await openFromList(shop.conversation_id);
    await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
    const sendOn = () =>
      page.locator('.composer select[name="inbox"] option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(await sendOn()).toEqual(["shop"]);

    await page.click("text=Merge another contact into this one");
    await page.fill("#merge-other", `#${other.contactId}`);
    await page.click('#contact-sidebar button:has-text("Merge")');
    await page.locator("#timeline", { hasText: "Hi from the test channel." }).waitFor();
    expect(await sendOn()).toEqual(["shop", "test"]);

    await page.click('#contact-sidebar button:has-text("Undo merge")');
    await page.locator("#timeline", { hasText: "Hi from the test channel." }).waitFor({ state: "detached" });
    await page.locator("#timeline", { hasText: "Ordered on the web shop." }).waitFor();
    expect(await sendOn()).toEqual(["shop"]);
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
  });
});

describe("@mentions", () => {
  test("the whole name is highlighted, and the mentioned agent's list shows the mention live", async () => {
    const kai = await newCustomer("Kai Customer", "Can someone from billing look?");
    const bob = await chrome.newPage();
    await useSession(bob.page, server.url, await server.sessionFor("bob"));
    await waitForLive(bob.page);
    const bobRow = bob.page.locator(`#list li[data-conversation="${kai.conversation_id}"]`);
    await bobRow.waitFor();
    expect(await bobRow.locator("[data-mentioned]").count()).toBe(0);

    await openFromList(kai.conversation_id);
    await page.check('.composer input[name="kind"][value="note"]');
    await page.fill(".composer textarea", "@Bob Agent can you check the invoice?");
    await page.click(".composer button.primary");
    await page.locator("#timeline .mention", { hasText: "@Bob Agent" }).waitFor();

    await bobRow.locator("[data-mentioned]").waitFor();
    await bobRow.locator("a").click();
    await bob.page.locator("#timeline .mention", { hasText: "@Bob Agent" }).waitFor();
    await bob.context.close();
  });
});
