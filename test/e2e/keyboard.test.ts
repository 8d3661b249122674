/**
 * End to end, in headless Chromium: the keyboard flow of issue 21.8. Ctrl/Cmd+Enter sends from the
 * composer, n switches to a private note, p marks pending, s and l open the snooze and labels
 * fields, a goes to the assignee, the ? overlay lists every shortcut, and its option makes
 * resolving open the next conversation.
 */

import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { labels } from "../../core/src/store/schema.ts";
import { launchBrowser, type TestBrowser, useSession, waitForLive } from "./browser.ts";
import { type E2EServer, startServer } from "./server.ts";

let server: E2EServer;
let chrome: TestBrowser;
let page: Page;

beforeAll(async () => {
  [server, chrome] = await Promise.all([startServer(), launchBrowser()]);
  await server.harness.switchboard.store.write((tx) => tx.insert(labels).values([{ name: "billing" }, { name: "bug" }]));
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
/** A new conversation, opened in the page, with the focus on the page itself (not a field). */
async function openNew(text: string) {
  const contact = `kb-${++seq}`;
  const stored = await server.customerWrites({ id: `${contact}-m1`, contact: { id: contact, name: `Customer ${seq}` }, text });
  await page.goto(`${server.url}/inbox/conversations/${stored.conversation_id}`);
  await waitForLive(page);
  await page.locator("body").click({ position: { x: 1, y: 1 } });
  return stored;
}

const focusedId = () => page.evaluate(() => document.activeElement?.id ?? "");

describe("keyboard flow", () => {
  test("Ctrl+Enter and Cmd+Enter in the composer send the reply", async () => {
    const first = await openNew("Where is my parcel?");
    const area = page.locator(".composer textarea");
    await area.fill("On its way, sent with Ctrl+Enter.");
    await area.press("Control+Enter");
    const hook = await server.receiver.waitFor((h) => h.json.message.conversation_id === first.conversation_id);
    expect(hook.json.message.text).toBe("On its way, sent with Ctrl+Enter.");
    await page.waitForFunction(() => (document.querySelector(".composer textarea") as HTMLTextAreaElement).value === "");

    await area.fill("And again with Cmd+Enter.");
    await area.press("Meta+Enter");
    await server.receiver.waitFor((h) => h.json.message.text === "And again with Cmd+Enter.");
  });

  test("n switches the composer to a private note and focuses it; Ctrl+Enter stores the note, never sent", async () => {
    const conv = await openNew("Can someone check my order?");
    await page.keyboard.press("n");
    expect(await focusedId()).toBe("reply-text");
    expect(await page.locator(".composer input[name=kind][value=note]").isChecked()).toBe(true);
    await page.locator(".composer.note-mode").waitFor();
    await page.keyboard.type("Checking with the warehouse.");
    await page.keyboard.press("Control+Enter");
    await page.locator(".timeline .msg", { hasText: "Checking with the warehouse." }).waitFor();
    expect(server.receiver.received.filter((h) => h.json.message.conversation_id === conv.conversation_id)).toEqual([]);
  });

  test("r focuses the reply box; e resolves", async () => {
    await openNew("Thanks, all sorted.");
    await page.keyboard.press("r");
    expect(await focusedId()).toBe("reply-text");
    await page.locator("body").click({ position: { x: 1, y: 1 } });
    await page.keyboard.press("e");
    await page.locator(".conv-head .badge", { hasText: /^resolved$/ }).waitFor();
  });

  test("with the overlay's option on, resolving opens the next conversation", async () => {
    const older = await openNew("First question.");
    const newer = await openNew("Second question.");
    // Opened from the "All" list (newest first), so the next row is the older conversation.
    await page.goto(`${server.url}/inbox?view=all`);
    await page.click(`#list li[data-conversation="${newer.conversation_id}"] a`);
    await page.locator(`#main[aria-label="Conversation #${newer.conversation_id}"]`).waitFor();
    await waitForLive(page);
    await page.locator("body").click({ position: { x: 1, y: 1 } });
    await page.keyboard.press("?");
    await page.locator("dialog#shortcuts [data-pref=resolve-next]").check();
    await page.keyboard.press("Escape");
    await page.locator("body").click({ position: { x: 1, y: 1 } });
    await page.keyboard.press("e");
    await page.locator(`#main[aria-label="Conversation #${older.conversation_id}"]`).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/inbox/conversations/${older.conversation_id}`);
    // The option is kept: it is still on after a reload.
    await page.reload();
    expect(await page.locator("dialog#shortcuts [data-pref=resolve-next]").isChecked()).toBe(true);
    // Off again, so the tests after this one stay on their conversation.
    await page.locator("dialog#shortcuts [data-pref=resolve-next]").evaluate((box: HTMLInputElement) => {
      box.click();
    });
  });

  test("p marks the conversation pending", async () => {
    await openNew("Still waiting.");
    await page.keyboard.press("p");
    await page.locator(".conv-head .badge", { hasText: /^pending$/ }).waitFor();
  });

  test("s opens More and focuses the snooze time; l focuses the first label; a focuses the assignee", async () => {
    await openNew("Please call me back tomorrow.");
    await page.keyboard.press("s");
    expect(await focusedId()).toBe("snooze-until");
    expect(await page.locator(".conv-head details.more-actions").getAttribute("open")).not.toBeNull();

    await page.locator("body").click({ position: { x: 1, y: 1 } });
    await page.keyboard.press("l");
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.value)).toBe("billing");
    await page.keyboard.press("Space");
    await page.locator("[data-shortcut=labels]").locator("..").locator("button", { hasText: "Save labels" }).click();
    await page.waitForFunction(
      () => (document.querySelector('input[name=label][value="billing"]') as HTMLInputElement | null)?.checked === true,
    );

    await page.locator("body").click({ position: { x: 1, y: 1 } });
    await page.keyboard.press("a");
    expect(await focusedId()).toBe("assignee");
  });

  test("the ? overlay lists every shortcut", async () => {
    await openNew("Hello?");
    await page.keyboard.press("?");
    const dialog = page.locator("dialog#shortcuts");
    await dialog.waitFor({ state: "visible" });
    const keys = await dialog.locator("kbd").allTextContents();
    expect(keys).toEqual(expect.arrayContaining(["j / k", "r", "n", "Ctrl / ⌘ + Enter", "e", "p", "s", "l", "a", "/", "?", "Esc"]));
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
  });
});
