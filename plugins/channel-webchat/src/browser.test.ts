// End to end in headless Chromium (Debian's, driven by playwright-core): a shop page on one
// loopback origin embeds the widget from Switchboard on another. A visitor chats, an agent signs
// in through /login and answers from the inbox, the reply shows without a reload, history survives
// a reload, a dropped connection catches up exactly once, identified visitors land on their contact,
// forged hashes are refused, and another visitor's conversation is a 404 even from the page.
import { mkdirSync } from "node:fs";
import { tables } from "@switchboard/core/testing";
import { eq } from "drizzle-orm";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { createAgent } from "../../../core/src/auth/agents.ts";
import { type Kit, SECRET, startKit } from "../test-support/kit.ts";
import { identifierHash } from "./tokens.ts";

const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
const WAIT_MS = 10_000;
const PASSWORD = "correct-horse-battery";
const SCREENSHOT = new URL("../../../docs/screenshots/webchat.png", import.meta.url).pathname;

let kit: Kit;
let shop: ReturnType<typeof Bun.serve>;
let browser: Browser;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];

/** The shop's page: hostile CSS that would hide or restyle the widget if it could reach it, and the one script tag. */
function shopPage(switchboard: string, query: URLSearchParams): string {
  const identified = query.get("identifier")
    ? ` data-identifier="${query.get("identifier")}" data-identifier-hash="${query.get("hash")}"`
    : "";
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>ACME Shop</title>
<style>body{font:18px Georgia,serif;color:#7a2a00;background:#fdf6ec;margin:40px} button,.launcher,.panel{display:none!important} *{font-family:"Comic Sans MS"!important}</style></head>
<body><h1>ACME Garden Supplies</h1><p>Hand-forged trowels, seed kits and rain barrels. Free shipping over €50.</p>
<script src="${switchboard}/plugins/webchat/widget.js" data-inbox="site"${identified} async></script></body></html>`;
}

async function newPage(options: { viewport?: { width: number; height: number }; colorScheme?: "light" | "dark" } = {}): Promise<Page> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1000, height: 760 },
    colorScheme: options.colorScheme ?? "light",
  });
  context.setDefaultTimeout(WAIT_MS);
  contexts.push(context);
  const page = await context.newPage();
  page.on("pageerror", (error) => pageErrors.push(error.message));
  return page;
}

const shopUrl = (query = "") => `http://127.0.0.1:${shop.port}/${query}`;
const widget = (page: Page) => page.locator("[data-switchboard-webchat]");

async function openWidget(page: Page, query = ""): Promise<void> {
  await page.goto(shopUrl(query));
  await page.locator(".launcher").click();
  await page.locator(".panel").waitFor();
}

async function say(page: Page, text: string): Promise<void> {
  await page.locator(".panel .composer textarea").fill(text);
  await page.locator(".panel .composer textarea").press("Enter");
  await page.locator(".msg.visitor:not(.pending)", { hasText: text }).waitFor();
}

async function conversationWith(text: string): Promise<{ conversationId: number; contactId: number }> {
  const [row] = await kit.harness.switchboard.store.db.select().from(tables.messages).where(eq(tables.messages.text, text));
  if (!row) throw new Error(`No stored message "${text}"`);
  return row;
}

/** Waits until core records these messages as handed to the channel (or further: "sent", "delivered", "read"). */
async function delivered(messageIds: number[], statuses = ["sent", "delivered", "read"]): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const rows = await kit.harness.switchboard.store.db.select().from(tables.messages);
    if (messageIds.every((id) => statuses.includes(rows.find((r) => r.id === id)?.deliveryStatus ?? ""))) return;
    await Bun.sleep(50);
  }
  throw new Error(`Messages ${messageIds.join(", ")} did not reach ${statuses.join("/")}`);
}

beforeAll(async () => {
  let switchboardUrl = "";
  shop = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: (request) =>
      new Response(shopPage(switchboardUrl, new URL(request.url).searchParams), {
        headers: { "Content-Type": "text/html; charset=utf-8" },
      }),
  });
  kit = await startKit(
    {
      allowed_origins: [`http://127.0.0.1:${shop.port}`],
      title: "ACME Support",
      greeting: "Hi! Ask us anything about your order.",
      reply_time_minutes: 2,
    },
    {},
    { idleTimeout: 0 },
  );
  switchboardUrl = kit.url;
  kit.harness.switchboard.delivery.start();
  await createAgent(kit.harness.switchboard.store, { email: "ada@example.com", name: "Ada Admin", role: "admin", password: PASSWORD });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: CHROMIUM_FLAGS,
    timeout: 15_000,
  });
});

afterAll(async () => {
  await browser?.close();
  await kit?.close();
  await shop?.stop(true);
});

afterEach(async () => {
  expect(pageErrors).toEqual([]);
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});

describe("the widget in Chromium", () => {
  test("a visitor chats with an agent in the inbox: live both ways, and history survives a reload", async () => {
    const agent = await newPage({ viewport: { width: 1280, height: 760 } });
    await agent.goto(`${kit.url}/login?next=${encodeURIComponent("/inbox?view=all")}`);
    await agent.fill("#email", "ada@example.com");
    await agent.fill("#password", PASSWORD);
    await Promise.all([agent.waitForURL((url) => url.pathname !== "/login"), agent.click("form[action='/login'] button")]);
    await Promise.all([
      agent.waitForResponse((r) => r.url().endsWith("/inbox/me/availability")),
      agent.selectOption("#availability", "online"),
    ]);

    const visitor = await newPage();
    await openWidget(visitor);
    expect(await visitor.locator(".launcher").isVisible()).toBe(true); // the shop's CSS hides .launcher: it cannot reach in
    await visitor.locator(".greeting", { hasText: "Ask us anything" }).waitFor();
    await visitor.locator(".status", { hasText: "We typically reply within 2 minutes." }).waitFor(); // Ada is online
    await say(visitor, "Hello! Where is my order 4411?");

    await agent.locator("#list li[data-conversation]", { hasText: "Where is my order 4411?" }).waitFor();
    const { conversationId } = await conversationWith("Hello! Where is my order 4411?");
    await agent.goto(`${kit.url}/inbox/conversations/${conversationId}`);
    await agent.locator("#timeline", { hasText: "Where is my order 4411?" }).waitFor();

    await visitor.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
    const typed = await agent.evaluate(async (id) => {
      const csrf = (document.querySelector("input[name=_csrf]") as HTMLInputElement).value;
      return (await fetch(`/inbox/conversations/${id}/typing`, { method: "POST", headers: { "X-CSRF-Token": csrf } })).status;
    }, conversationId);
    expect(typed).toBe(204);
    await visitor.locator(".typing:not([hidden])").waitFor();

    await agent.fill(".composer textarea", "It left our warehouse this morning. Tracking: https://track.example/4411");
    await agent.click(".composer button.primary");
    const reply = visitor.locator(".msg.agent", { hasText: "It left our warehouse this morning" });
    await reply.waitFor();
    expect(await reply.locator(".who").textContent()).toBe("Ada Admin");
    expect(await reply.locator("a").getAttribute("href")).toBe("https://track.example/4411");
    expect(await visitor.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    const [stored] = await kit.harness.switchboard.store.db.select().from(tables.messages).where(eq(tables.messages.direction, "outgoing"));
    await delivered([stored!.id], ["read"]); // the visitor saw it with the widget open: a read receipt

    await say(visitor, "Great, thank you!");
    await agent.locator("#timeline", { hasText: "Great, thank you!" }).waitFor();
    await saveScreenshot(visitor, agent);

    await visitor.reload();
    await visitor.locator(".launcher").click();
    await visitor.locator(".msg.agent", { hasText: "It left our warehouse" }).waitFor();
    for (const text of ["Hello! Where is my order 4411?", "It left our warehouse", "Great, thank you!"]) {
      expect(await visitor.locator(".msg", { hasText: text }).count(), text).toBe(1);
    }
  });

  test("a dropped connection catches up on the replies sent meanwhile, each exactly once", async () => {
    const visitor = await newPage();
    await openWidget(visitor);
    await say(visitor, "Are you still there?");
    await widget(visitor).and(visitor.locator("[data-connected]")).waitFor({ state: "attached" });
    const { conversationId } = await conversationWith("Are you still there?");

    await kit.goOffline();
    await visitor.locator(".status.reconnecting").waitFor();
    const replies = [];
    for (const text of ["Missed reply one", "Missed reply two"])
      replies.push(await kit.harness.switchboard.outbound.reply({ conversationId, text, agentId: null }));
    await delivered(replies.map((r) => r.id));
    kit.goOnline();

    await visitor.locator(".msg.agent", { hasText: "Missed reply two" }).waitFor();
    await widget(visitor).and(visitor.locator("[data-connected]")).waitFor({ state: "attached" });
    const live = await kit.harness.switchboard.outbound.reply({ conversationId, text: "And a live one", agentId: null });
    await delivered([live.id]);
    await visitor.locator(".msg.agent", { hasText: "And a live one" }).waitFor();
    for (const text of ["Are you still there?", "Missed reply one", "Missed reply two", "And a live one"]) {
      expect(await visitor.locator(".msg", { hasText: text }).count(), text).toBe(1);
    }
    expect(await visitor.locator(".msg:not(.greeting)").count()).toBe(4);
  });

  test("an identified visitor (valid HMAC) lands on the existing contact; a forged HMAC is refused", async () => {
    const existing = await kit.harness.inject({
      externalId: "mail-grace-1",
      contact: { externalId: "grace@example.com", email: "grace@example.com", name: "Grace Hopper", verified: true },
      text: "An earlier email about invoices",
    });
    if ("reason" in existing) throw new Error(existing.reason);

    const grace = await newPage();
    const hash = await identifierHash(SECRET, "grace@example.com");
    await openWidget(grace, `?identifier=grace@example.com&hash=${hash}`);
    await say(grace, "Hi, Grace here, signed in on the shop");
    expect((await conversationWith("Hi, Grace here, signed in on the shop")).contactId).toBe(existing.contactId);

    const contactsBefore = (await kit.harness.switchboard.store.db.select().from(tables.contacts)).length;
    const mallory = await newPage();
    const refused = mallory.waitForResponse((response) => response.url().endsWith("/session"));
    await openWidget(mallory, `?identifier=grace@example.com&hash=${"0".repeat(64)}`);
    expect((await refused).status()).toBe(401);
    await mallory.locator(".error", { hasText: "identifier_hash does not match" }).waitFor();
    await mallory.locator(".panel .composer textarea").fill("let me in");
    await mallory.locator(".panel .composer textarea").press("Enter");
    await mallory.locator(".msg.visitor.failed").waitFor();
    expect((await kit.harness.switchboard.store.db.select().from(tables.contacts)).length).toBe(contactsBefore);
  });

  test("another visitor's conversation id is a 404 from the page", async () => {
    const ann = await newPage();
    await openWidget(ann);
    await say(ann, "Ann's private question");
    const { conversationId } = await conversationWith("Ann's private question");
    const ben = await newPage();
    await openWidget(ben);
    await widget(ben).and(ben.locator("[data-connected]")).waitFor({ state: "attached" });

    const read = (page: Page) =>
      page.evaluate(
        async ({ base, id }) => {
          const stored = JSON.parse(localStorage.getItem(`swb-webchat:${base}/plugins/webchat:site`) ?? "{}") as { token: string };
          const response = await fetch(`${base}/plugins/webchat/inboxes/site/conversations/${id}`, {
            headers: { Authorization: `Bearer ${stored.token}` },
          });
          return { status: response.status, body: await response.text() };
        },
        { base: kit.url, id: conversationId },
      );
    expect((await read(ann)).status).toBe(200);
    const forged = await read(ben);
    expect(forged.status).toBe(404);
    expect(forged.body).toContain("conversation_not_found");
    expect(forged.body).not.toContain("private question");
  });

  test("fills a phone screen", async () => {
    const phone = await newPage({ viewport: { width: 375, height: 700 }, colorScheme: "dark" });
    await openWidget(phone);
    const box = await phone.locator(".panel").boundingBox();
    expect(box).toMatchObject({ x: 0, y: 0, width: 375, height: 700 });
    expect(await phone.locator(".panel .close").isVisible()).toBe(true);
  });
});

/** docs/screenshots/webchat.png: the shop page with the widget open, beside the agent's inbox. */
async function saveScreenshot(visitor: Page, agent: Page): Promise<void> {
  const [left, right] = await Promise.all([visitor.screenshot(), agent.screenshot()]);
  const sheet = await newPage({ viewport: { width: 2300, height: 800 } });
  const img = (png: Buffer) => `<img src="data:image/png;base64,${png.toString("base64")}" style="height:760px;border:1px solid #ccc">`;
  await sheet.setContent(`<body style="margin:0;padding:20px;display:flex;gap:20px;background:#e5e7eb">${img(left)}${img(right)}</body>`);
  mkdirSync(new URL(".", `file://${SCREENSHOT}`).pathname, { recursive: true });
  await sheet.screenshot({ path: SCREENSHOT, fullPage: true });
}
