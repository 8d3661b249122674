// Web chat visitor ids are inbox-scoped (issue 13, defect 5): two sites' widgets that both identify
// their user "user-42" (valid HMAC each) are two contacts, over real HTTP; each site's user-42 stays
// one contact; and a verified email identifier still joins across sites (emails are global).

import { createTestHarness, type Harness, tables } from "@switchboard/core/testing";
import { desc, eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { newClientId, PLUGIN, SITE } from "../test-support/kit.ts";
import { identifierHash } from "./tokens.ts";

const SECRETS = { site: "site-secret-0123456789", app: "app-secret-0123456789" };
let harness: Harness | undefined;
let server: ReturnType<typeof Bun.serve> | undefined;
afterEach(async () => {
  await server?.stop(true);
  await harness?.close();
  harness = server = undefined;
});

async function twoSites() {
  const inbox = (secret: string) => ({ plugin: "webchat", options: { secret, allowed_origins: [SITE] } });
  harness = await createTestHarness({
    plugins: { webchat: { package: PLUGIN } },
    inboxes: { site: inbox(SECRETS.site), app: inbox(SECRETS.app) },
  });
  server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: harness.switchboard.app.fetch });
  const base = `http://127.0.0.1:${server.port}/plugins/webchat/inboxes`;
  const call = (inbox: string, path: string, body: unknown, token?: string) =>
    fetch(`${base}/${inbox}${path}`, {
      method: "POST",
      headers: { Origin: SITE, "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  /** Identifies `identifier` on the inbox's widget and sends one message; returns the contact it landed on. */
  const write = async (inbox: keyof typeof SECRETS, identifier: string): Promise<number> => {
    const session = await call(inbox, "/session", { identifier, identifier_hash: await identifierHash(SECRETS[inbox], identifier) });
    expect(session.status).toBe(200);
    const { token } = (await session.json()) as { token: string };
    const sent = await call(inbox, "/messages", { client_id: newClientId(), text: `hello from ${inbox}` }, token);
    expect(sent.status).toBeLessThan(300);
    const [last] = await harness!.switchboard.store.db
      .select({ contactId: tables.messages.contactId })
      .from(tables.messages)
      .where(eq(tables.messages.inbox, inbox))
      .orderBy(desc(tables.messages.id))
      .limit(1);
    return last!.contactId;
  };
  return { write };
}

describe("web chat identity scope", () => {
  it("keeps two sites' user-42 apart, and each site's user-42 one contact", async () => {
    const { write } = await twoSites();
    const onSite = await write("site", "user-42");
    const onApp = await write("app", "user-42");
    expect(onApp).not.toBe(onSite);
    expect(await write("site", "user-42")).toBe(onSite);
    expect(await write("app", "user-42")).toBe(onApp);
  });

  it("joins a visitor identified by the same email on both sites", async () => {
    const { write } = await twoSites();
    expect(await write("app", "grace@example.com")).toBe(await write("site", "grace@example.com"));
  });
});
