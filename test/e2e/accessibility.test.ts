/**
 * End to end, in headless Chromium: axe-core (the npm package, its script injected into the page)
 * finds no violations on any inbox page (the list, search results, a conversation, splitting it,
 * the admin pages, the sign-in page and a verification link's page) in the light and the dark
 * theme, at the desktop size and at 390x844.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { axeViolations } from "./axe.ts";
import { launchBrowser, type TestBrowser, useSession } from "./browser.ts";
import { type E2EServer, startServer } from "./server.ts";

let server: E2EServer;
let chrome: TestBrowser;
let conversationId: number;
let adminToken: string;

beforeAll(async () => {
  [server, chrome] = await Promise.all([startServer(), launchBrowser()]);
  const first = await server.customerWrites({
    id: "a11y-m1",
    contact: { id: "a11y-1", name: "Grace Hopper", email: "grace@example.com" },
    text: "Where is my parcel?",
  });
  // Enough messages that the timeline scrolls, so its scroll area must be reachable by keyboard.
  for (let i = 2; i <= 16; i++) {
    await server.customerWrites({ id: `a11y-m${i}`, contact: { id: "a11y-1" }, text: `Message ${i}: it was due on Monday.` });
  }
  await server.customerWrites({ id: "a11y-m99", contact: { id: "a11y-2", name: "Linus Torvalds" }, text: "The widget does not load." });
  conversationId = first.conversation_id;
  adminToken = await server.sessionFor("ada");
});

afterAll(async () => {
  await chrome?.close();
  await server?.close();
});

afterEach(() => {
  expect(chrome.errors).toEqual([]);
});

const PAGES: { name: string; path: () => string; signedIn: boolean }[] = [
  { name: "the list", path: () => "/inbox?view=all", signedIn: true },
  { name: "search results", path: () => "/inbox?view=all&q=Grace", signedIn: true },
  { name: "a conversation", path: () => `/inbox/conversations/${conversationId}`, signedIn: true },
  { name: "your settings", path: () => "/inbox/settings", signedIn: true },
  { name: "the mentions view", path: () => "/inbox?view=mentions", signedIn: true },
  { name: "admin: agents", path: () => "/admin/agents", signedIn: true },
  { name: "admin: inboxes", path: () => "/admin/inboxes", signedIn: true },
  { name: "admin: labels", path: () => "/admin/labels", signedIn: true },
  { name: "admin: teams", path: () => "/admin/teams", signedIn: true },
  { name: "admin: one team", path: () => "/admin/teams/1", signedIn: true },
  { name: "admin: canned responses", path: () => "/admin/canned-responses", signedIn: true },
  { name: "admin: webhooks", path: () => "/admin/webhooks", signedIn: true },
  { name: "splitting a conversation", path: () => `/inbox/conversations/${conversationId}/split`, signedIn: true },
  { name: "the sign-in page", path: () => "/login", signedIn: false },
  { name: "a verification link that does not work", path: () => "/verify/not-a-token", signedIn: false },
];

const LAYOUTS = [
  { name: "light", colorScheme: "light" as const, viewport: undefined },
  { name: "dark", colorScheme: "dark" as const, viewport: undefined },
  { name: "phone light", colorScheme: "light" as const, viewport: { width: 390, height: 844 } },
  { name: "phone dark", colorScheme: "dark" as const, viewport: { width: 390, height: 844 } },
];

describe.each(LAYOUTS)("axe-core, $name", (layout) => {
  test.each(PAGES)("$name has no violations", async (entry) => {
    const { context, page } = await chrome.newPage({ colorScheme: layout.colorScheme, viewport: layout.viewport });
    try {
      if (entry.signedIn) await useSession(page, server.url, adminToken, entry.path());
      else await page.goto(server.url + entry.path());
      expect(new URL(page.url()).pathname).toBe(entry.path().split("?")[0]);
      await page.waitForLoadState("load");
      if (entry.name === "a conversation") {
        const scrolls = await page.$eval(".timeline-scroll", (el) => el.scrollHeight > el.clientHeight);
        expect(scrolls, "the timeline should overflow, so axe checks its scroll area").toBe(true);
      }
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
