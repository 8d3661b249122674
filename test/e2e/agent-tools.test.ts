/**
 * End to end, in headless Chromium: issue 21's phone layout (7), bulk actions (9), @-autocomplete
 * (6) and drafts kept across navigation (12). One server and one browser, a few pages.
 */

import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { launchBrowser, type TestBrowser, useSession, waitForLive } from "./browser.ts";
import { type E2EServer, startServer } from "./server.ts";

let server: E2EServer;
let chrome: TestBrowser;

beforeAll(async () => {
  [server, chrome] = await Promise.all([startServer(), launchBrowser()]);
});

afterAll(async () => {
  await chrome?.close();
  await server?.close();
});

afterEach(() => {
  expect(chrome.errors).toEqual([]);
});

let seq = 0;
async function newConversation(text: string) {
  const contact = `tools-${++seq}`;
  return server.customerWrites({ id: `${contact}-m1`, contact: { id: contact, name: `Customer ${seq}` }, text });
}

async function signedIn(viewport?: { width: number; height: number }): Promise<Page> {
  const { page } = await chrome.newPage(viewport ? { viewport } : {});
  await useSession(page, server.url, await server.sessionFor("ada"));
  return page;
}

/** True when the element is inside the viewport, without scrolling the page. */
const onScreen = (page: Page, selector: string) =>
  page
    .locator(selector)
    .first()
    .evaluate((el) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.left >= 0 && r.top >= 0 && r.right <= window.innerWidth && r.bottom <= window.innerHeight;
    });

describe("the phone layout at 390x844", () => {
  test("list, conversation and contact are screens, the views are a drawer, and Send and Resolve stay on screen", async () => {
    const stored = await newConversation("Hello from a phone-sized test");
    await newConversation("Another one, so the list is not short");
    const page = await signedIn({ width: 390, height: 844 });
    await page.goto(`${server.url}/inbox?view=all`);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(await page.locator("nav.views").isVisible()).toBe(false);
    await page.getByRole("button", { name: "Menu" }).click();
    expect(await page.locator("nav.views").isVisible()).toBe(true);
    await page.keyboard.press("Escape");
    expect(await page.locator("nav.views").isVisible()).toBe(false);

    await page.locator(`li[data-conversation="${stored.conversation_id}"] > a`).click();
    await page.waitForSelector(".composer textarea");
    await waitForLive(page);
    expect(await page.locator(".list").isVisible()).toBe(false);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(await onScreen(page, ".composer button.primary")).toBe(true);
    expect(await onScreen(page, "button[data-shortcut=resolve]")).toBe(true);

    await page.getByRole("button", { name: "Contact" }).click();
    expect(await page.locator("#contact-sidebar").isVisible()).toBe(true);
    await page.getByRole("button", { name: "Back" }).click();
    expect(await page.locator("#contact-sidebar").isVisible()).toBe(false);
    await page.getByRole("link", { name: "Conversations" }).click();
    await page.waitForSelector(".list li[data-conversation]");
    await page.context().close();
  });
});

describe("on the desktop", () => {
  test("bulk: select two rows and set their priority", async () => {
    const a = await newConversation("Bulk one");
    const b = await newConversation("Bulk two");
    const page = await signedIn();
    await page.goto(`${server.url}/inbox?view=all`);
    await page.locator(`input.row-select[value="${a.conversation_id}"]`).check();
    await page.locator(`input.row-select[value="${b.conversation_id}"]`).check();
    await page.waitForFunction(() => document.querySelector("[data-bulk-count]")?.textContent === "2 selected");
    await page.locator("#bulk-priority").selectOption("urgent");
    await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Set priority" }).click()]);
    for (const id of [a.conversation_id, b.conversation_id])
      expect(await page.locator(`li[data-conversation="${id}"] .prio-urgent`).count()).toBe(1);
    await page.context().close();
  });

  test("@ offers agents by name, and a draft survives opening another conversation", async () => {
    const first = await newConversation("Mentions and drafts");
    const second = await newConversation("Somewhere else");
    const page = await signedIn();
    await page.goto(`${server.url}/inbox/conversations/${first.conversation_id}?view=all`);
    await waitForLive(page);
    const area = page.locator("#reply-text");
    await area.click();
    await area.pressSequentially("Please look @Bo");
    await page.waitForSelector("#mention-picker [role=option]");
    expect(await page.locator("#mention-picker [role=option]").allTextContents()).toEqual(["Bob Agent"]);
    await area.press("Enter");
    expect(await area.inputValue()).toBe("Please look @Bob Agent ");

    await page.locator(`li[data-conversation="${second.conversation_id}"] > a`).click();
    await page.waitForURL(`**/inbox/conversations/${second.conversation_id}`);
    await page.locator(`li[data-conversation="${first.conversation_id}"] > a`).click();
    await page.waitForURL(`**/inbox/conversations/${first.conversation_id}`);
    await page.waitForFunction(
      () => (document.querySelector("#reply-text") as HTMLTextAreaElement | null)?.value === "Please look @Bob Agent ",
    );
    await page.context().close();
  });
});
