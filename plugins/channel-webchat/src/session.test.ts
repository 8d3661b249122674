// Visitor sessions over real HTTP: anonymous tokens that persist and renew, tampered, expired and
// foreign tokens refused with a reason, identified visitors (valid HMAC) joining the existing
// contact with that email, forged hashes refused, and the per-inbox Origin check with CORS.

import { json, tables } from "@switchboard/core/testing";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { type Kit, SECRET, SITE, startKit } from "../test-support/kit.ts";
import { identifierHash, inboxKeys, signVisitorToken } from "./tokens.ts";

let kit: Kit | undefined;
afterEach(async () => {
  await kit?.close();
  kit = undefined;
});

type Session = { token: string; visitor: { id: string; identified: boolean; email: string | null } };
type ErrorBody = { error: { code: string; reason: string; message: string } };

describe("anonymous visitors", () => {
  it("get a signed token that keeps the same visitor when renewed", async () => {
    kit = await startKit();
    const first = await json<Session>(kit.call("/session", { body: {} }));
    expect(first.status).toBe(200);
    expect(first.body.token).toMatch(/^v1\.[\w-]+\.[\w-]+$/);
    expect(first.body.visitor).toMatchObject({ id: expect.stringMatching(/^a_/), identified: false });

    const renewed = await json<Session>(kit.call("/session", { body: { token: first.body.token } }));
    expect(renewed.body.visitor.id).toBe(first.body.visitor.id);
    const other = await json<Session>(kit.call("/session", { body: {} }));
    expect(other.body.visitor.id).not.toBe(first.body.visitor.id);

    const history = await kit.call("/messages", { token: renewed.body.token });
    expect(history.status).toBe(200);
  });

  it("refuses a missing, tampered, expired or foreign token with the reason", async () => {
    kit = await startKit();
    const token = await kit.visitor();
    const missing = await json<ErrorBody>(kit.call("/messages"));
    expect(missing).toMatchObject({ status: 401, body: { error: { code: "SWB_ERR_UNAUTHORIZED", reason: "token_missing" } } });

    const [version, body, signature] = token.split(".");
    const claims = JSON.parse(Buffer.from(body!, "base64url").toString());
    const forgedBody = Buffer.from(JSON.stringify({ ...claims, v: "a_someone-else" })).toString("base64url");
    const tampered = await json<ErrorBody>(kit.call("/messages", { token: `${version}.${forgedBody}.${signature}` }));
    expect(tampered).toMatchObject({ status: 401, body: { error: { reason: "token_invalid" } } });

    const keys = await inboxKeys(SECRET);
    const expired = await signVisitorToken(keys.token, { inbox: "site", visitorId: claims.v, expiresAt: Date.now() - 1000 });
    expect((await json<ErrorBody>(kit.call("/messages", { token: expired }))).body.error.reason).toBe("token_expired");
    const foreign = await signVisitorToken(keys.token, { inbox: "other", visitorId: claims.v, expiresAt: Date.now() + 60_000 });
    expect((await json<ErrorBody>(kit.call("/messages", { token: foreign }))).body.error.reason).toBe("token_other_inbox");
    const otherSecret = await signVisitorToken((await inboxKeys("another-secret-0123456789")).token, {
      inbox: "site",
      visitorId: claims.v,
      expiresAt: Date.now() + 60_000,
    });
    expect((await json<ErrorBody>(kit.call("/messages", { token: otherSecret }))).body.error.reason).toBe("token_invalid");
    expect((await json<ErrorBody>(kit.call("/session", { body: { token: otherSecret } }))).status).toBe(401);
  });
});

describe("identified visitors", () => {
  it("with a valid identifier_hash land on the existing contact with that email, verified", async () => {
    kit = await startKit();
    const existing = await kit.harness.inject({
      externalId: "mail-1",
      contact: { externalId: "grace@example.com", email: "grace@example.com", name: "Grace Hopper", verified: true },
      text: "An older email",
    });
    if ("reason" in existing) throw new Error(existing.reason);

    const hash = await identifierHash(SECRET, "Grace@Example.com");
    const session = await json<Session>(kit.call("/session", { body: { identifier: "Grace@Example.com", identifier_hash: hash } }));
    expect(session.status).toBe(200);
    expect(session.body.visitor).toMatchObject({ id: expect.stringMatching(/^u_/), identified: true, email: "grace@example.com" });

    const sent = await json<{ message: { conversation_id: number } }>(kit.say(session.body.token, "Hi, it's Grace from the website"));
    expect(sent.status).toBe(201);
    const [conversation] = await kit.harness.switchboard.store.db
      .select()
      .from(tables.conversations)
      .where(eq(tables.conversations.id, sent.body.message.conversation_id));
    expect(conversation!.contactId).toBe(existing.contactId);
    const identities = await kit.harness.switchboard.store.db
      .select()
      .from(tables.identities)
      .where(eq(tables.identities.contactId, existing.contactId));
    expect(identities).toContainEqual(
      expect.objectContaining({ channel: "webchat", externalId: "user:Grace@Example.com", verified: true }),
    );

    // The same user on another device is the same visitor, with the same history.
    const again = await json<Session>(kit.call("/session", { body: { identifier: "Grace@Example.com", identifier_hash: hash } }));
    expect(again.body.visitor.id).toBe(session.body.visitor.id);
    const history = await json<{ messages: { text: string }[] }>(kit.call("/messages", { token: again.body.token }));
    expect(history.body.messages.map((m) => m.text)).toEqual(["Hi, it's Grace from the website"]);
  });

  it("refuses a forged identifier_hash with 401 and the reason, and stores nothing", async () => {
    kit = await startKit();
    const forged = await json<ErrorBody>(
      kit.call("/session", { body: { identifier: "grace@example.com", identifier_hash: "0".repeat(64) } }),
    );
    expect(forged).toMatchObject({ status: 401, body: { error: { code: "SWB_ERR_UNAUTHORIZED", reason: "identifier_hash_invalid" } } });
    expect(forged.body.error.message).toContain("HMAC-SHA256");
    const otherUsersHash = await identifierHash(SECRET, "mallory@example.com");
    expect((await kit.call("/session", { body: { identifier: "grace@example.com", identifier_hash: otherUsersHash } })).status).toBe(401);
    const wrongSecret = await identifierHash("not-the-inbox-secret-000", "grace@example.com");
    expect((await kit.call("/session", { body: { identifier: "grace@example.com", identifier_hash: wrongSecret } })).status).toBe(401);
    expect((await kit.call("/session", { body: { identifier: "grace@example.com" } })).status).toBe(401);
    expect(await kit.harness.switchboard.store.db.select().from(tables.contacts)).toEqual([]);
  });
});

describe("allowed origins", () => {
  it("answers the allowed site with CORS and refuses others with 403 and the reason", async () => {
    kit = await startKit();
    const allowed = await kit.call("/config");
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get("Access-Control-Allow-Origin")).toBe(SITE);

    const preflight = await kit.call("/messages", {
      method: "OPTIONS",
      headers: { "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization, content-type" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("Access-Control-Allow-Headers")).toContain("Authorization");

    for (const path of ["/config", "/session", "/stream", "/messages"]) {
      const refused = await json<ErrorBody>(kit.call(path, { origin: "http://evil.test", ...(path === "/session" ? { body: {} } : {}) }));
      expect(refused, path).toMatchObject({ status: 403, body: { error: { code: "SWB_ERR_FORBIDDEN", reason: "origin_not_allowed" } } });
    }
    const evilPreflight = await kit.call("/messages", { method: "OPTIONS", origin: "http://evil.test" });
    expect(evilPreflight.status).toBe(403);
    // Same host, other scheme or port: another origin.
    expect((await kit.call("/config", { origin: "https://shop.test" })).status).toBe(403);
    // No Origin (a server, curl): Origin protects browsers, so it passes.
    expect((await kit.call("/config", { origin: null })).status).toBe(200);
  });

  it('takes any site with allowed_origins = ["*"], and an unknown inbox is a 404', async () => {
    kit = await startKit({ allowed_origins: ["*"] });
    expect((await kit.call("/config", { origin: "http://anything.test" })).status).toBe(200);
    const unknown = await json<ErrorBody>(fetch(`${kit.url}/plugins/webchat/inboxes/nope/config`));
    expect(unknown).toMatchObject({ status: 404, body: { error: { reason: "inbox_unknown" } } });
  });
});
