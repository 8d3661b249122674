/**
 * End to end, in headless Chromium: agents signing in through the form, two agents in two browser
 * contexts both seeing a customer message and an assignment live, a POST without the CSRF token
 * refused with 403, and an agent outside the team an inbox is given to getting 404 for its
 * conversations.
 */
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { messages } from "../../core/src/store/schema.ts";
import { launchBrowser, type TestBrowser, useSession, waitForLive } from "./browser.ts";
import { AGENTS, type E2EServer, PASSWORD, startServer } from "./server.ts";

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

describe("signing in", () => {
  test("sends a visitor to the sign-in form, refuses a wrong password, and signs in and out", async () => {
    const { context, page } = await chrome.newPage();
    await page.goto(`${server.url}/inbox?view=all`);
    await page.waitForURL("**/login?next=*");
    await page.fill("#email", AGENTS.ada.email);
    await page.fill("#password", "not-the-password");
    await page.click("form[action='/login'] button");
    await page.getByRole("alert").getByText("Wrong email or password.").waitFor();

    await page.fill("#password", PASSWORD);
    await Promise.all([page.waitForURL("**/inbox?view=all"), page.click("form[action='/login'] button")]);
    await page.locator(".app > header .me", { hasText: AGENTS.ada.name }).waitFor();
    const [cookie] = (await context.cookies()).filter((c) => c.name === "swb_session");
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax" });

    await Promise.all([page.waitForURL("**/login"), page.getByRole("button", { name: "Log out" }).click()]);
    await page.goto(`${server.url}/inbox`);
    await page.waitForURL("**/login?next=*");
    await context.close();
  });
});

describe("two agents", () => {
  test("both see a customer message and an assignment live, each in their own browser context", async () => {
    const stored = await server.customerWrites({ id: "two-1", contact: { id: "two-agents", name: "Hedy" }, text: "Is anyone there?" });
    const ada = await chrome.newPage();
    const bob = await chrome.newPage();
    const path = `/inbox/conversations/${stored.conversation_id}`;
    await Promise.all([
      useSession(ada.page, server.url, await server.sessionFor("ada"), path),
      useSession(bob.page, server.url, await server.sessionFor("bob"), path),
    ]);
    await Promise.all([waitForLive(ada.page), waitForLive(bob.page)]);

    await server.customerWrites({ id: "two-2", contact: { id: "two-agents" }, text: "Hello? I need help with my order." });
    await Promise.all([ada, bob].map(({ page }) => page.locator("#timeline").getByText("Hello? I need help with my order.").waitFor()));

    await ada.page.selectOption("#assignee", String(server.agentIds.bob));
    await ada.page.locator("#conv-head").getByRole("button", { name: "Assign", exact: true }).click();
    await bob.page.locator("#timeline").getByText("Assigned to Bob Agent by Ada Admin").waitFor();
    await bob.page.waitForFunction(
      (id) => (document.querySelector("#assignee") as HTMLSelectElement | null)?.value === id,
      String(server.agentIds.bob),
    );
    await Promise.all([ada.context.close(), bob.context.close()]);
  });
});

describe("guards", () => {
  test("refuses a POST without the CSRF token with 403, even with the session cookie", async () => {
    const stored = await server.customerWrites({ id: "csrf-1", contact: { id: "csrf" }, text: "Hi" });
    const { context, page } = await chrome.newPage();
    await useSession(page, server.url, await server.sessionFor("bob"), `/inbox/conversations/${stored.conversation_id}`);
    const status = await page.evaluate(async (id) => {
      const response = await fetch(`/inbox/conversations/${id}/messages`, {
        method: "POST",
        body: new URLSearchParams({ text: "forged reply" }),
      });
      return response.status;
    }, stored.conversation_id);
    expect(status).toBe(403);
    expect(await server.harness.switchboard.store.db.select().from(messages).where(eq(messages.text, "forged reply"))).toEqual([]);
    await context.close();
  });

  test("answers 404 to an agent opening a conversation of an inbox their teams are not given", async () => {
    const stored = await server.harness.inject({
      externalId: "vip-1",
      contact: { externalId: "vip", name: "Very Important" },
      text: "Escalation only",
    });
    if (stored.status !== "stored") throw new Error("not stored");
    const path = `/inbox/conversations/${stored.conversationId}`;
    const bob = await chrome.newPage();
    await useSession(bob.page, server.url, await server.sessionFor("bob"), "/inbox?view=all");
    expect(await bob.page.locator(`#list li[data-conversation="${stored.conversationId}"]`).count()).toBe(0);
    const refused = await bob.page.goto(server.url + path);
    expect(refused?.status()).toBe(404);
    await bob.page.getByRole("heading", { name: "Not found" }).waitFor();
    expect(await bob.page.content()).not.toContain("Escalation only");

    const cleo = await chrome.newPage();
    await useSession(cleo.page, server.url, await server.sessionFor("cleo"), path);
    await cleo.page.locator("#timeline").getByText("Escalation only").waitFor();
    await Promise.all([bob.context.close(), cleo.context.close()]);
  });
});
