// The one-click verification link (issue 16.1) through real channels on loopback: the code's email
// also carries a link under the server's public URL with a single-use token (only its hash is
// stored). Opening it (GET) shows a confirmation page and verifies nothing, as a mail scanner's
// prefetch must not; the page's button (POST) verifies and joins Maria's Telegram contact with the
// shop contact (undoable), and she is told on Telegram. Used, expired and unknown tokens get a page
// that says why, with a 4xx.

import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { auditLog, contacts, identityVerifications } from "../../core/src/store/schema.ts";
import { ADDRESS, closeVerifyWorld, verifyWorld } from "./verify-world.ts";

afterEach(closeVerifyWorld);

/** A browser's form POST from the confirmation page. */
const confirm = (w: Awaited<ReturnType<typeof verifyWorld>>, path: string, origin = "http://localhost") =>
  w.h.request(path, { method: "POST", headers: { Origin: origin, "Content-Type": "application/x-www-form-urlencoded" }, body: "" });

/** Maria on Telegram, asked to verify ADDRESS, with the code and link mailed to it. */
async function asked() {
  const w = await verifyWorld();
  const shop = await w.shopContact();
  await w.say("Hi, billing problem", 1);
  const tg = await w.conversationId();
  expect((await w.ask(tg.id)).status).toBe(201);
  await w.say(ADDRESS, 2);
  const secrets = await w.mail();
  await w.botSays("We sent a 6-digit code");
  return { w, shop, tg, ...secrets };
}

describe("the one-click verification link", () => {
  it("shows a page on GET, verifies on POST, once, and joins the contacts (undoable)", { timeout: 30_000 }, async () => {
    const { w, shop, tg, link, path } = await asked();
    expect(link.startsWith("http://localhost:")).toBe(true);
    const token = path.split("/").pop()!;
    const [row] = await w.db.select().from(identityVerifications);
    expect(row!.tokenHash).toMatch(/^[0-9a-f]{64}$/u);
    expect(JSON.stringify(await w.db.select().from(identityVerifications))).not.toContain(token);

    // A mail scanner's prefetch: a page with a button, and nothing verified.
    const page = await w.h.request(path);
    expect(page.status).toBe(200);
    expect(page.headers.get("Cache-Control")).toBe("no-store");
    const html = await page.text();
    expect(html).toContain(ADDRESS);
    expect(html).toContain(`<form method="post" action="${path}">`);
    expect((await w.db.select().from(identityVerifications))[0]!.status).toBe("awaiting_code");
    expect(await w.db.select().from(contacts)).toHaveLength(2);

    // Another site cannot make the browser confirm.
    expect((await confirm(w, path, "https://evil.example")).status).toBe(403);
    expect((await w.db.select().from(identityVerifications))[0]!.status).toBe("awaiting_code");

    const done = await confirm(w, path);
    expect(done.status).toBe(200);
    expect(await done.text()).toContain("Your email address is verified");
    expect(await w.db.select({ id: contacts.id }).from(contacts)).toEqual([{ id: shop.contact_id }]);
    expect((await w.db.select().from(identityVerifications))[0]!.status).toBe("verified");
    const [verified] = await w.db.select().from(auditLog).where(eq(auditLog.action, "identity.verified"));
    expect(verified!.data).toMatchObject({ value: ADDRESS, via: "link", contact: shop.contact_id });
    await w.botSays("Thank you, your email address is verified.");

    // Single use: the same link again, by POST or GET, says it was used.
    const again = await confirm(w, path);
    expect(again.status).toBe(410);
    expect(await again.text()).toContain("already used");
    expect((await w.h.request(path)).status).toBe(410);
    // The code of the same mail does nothing more now: it is an ordinary message.
    expect((await w.db.select().from(auditLog).where(eq(auditLog.action, "identity.verified"))).length).toBe(1);

    expect(await w.undoJoin()).toEqual([shop.contact_id, tg.contactId].sort());
  });

  it("refuses an expired link with 410 and a reason, and audits the expiry", { timeout: 30_000 }, async () => {
    const { w, path } = await asked();
    w.h.clock.advance(15 * 60_000 + 1);
    const page = await w.h.request(path);
    expect(page.status).toBe(410);
    expect(await page.text()).toContain("This link has expired");
    const posted = await confirm(w, path);
    expect(posted.status).toBe(410);
    expect(await w.db.select().from(contacts)).toHaveLength(2);
    expect((await w.db.select().from(identityVerifications))[0]!.status).toBe("expired");
    const expired = await w.db.select().from(auditLog).where(eq(auditLog.action, "identity.verification_expired"));
    expect(expired.map((a) => a.data)).toEqual([expect.objectContaining({ via: "link", kind: "email" })]);
  });

  it("answers an unknown or malformed token with 404 and a reason, verifying nothing", { timeout: 30_000 }, async () => {
    const { w, path } = await asked();
    const forged = `${path.slice(0, -4)}AAAA`;
    for (const bad of [forged, "/verify/short", "/verify/%00%27"]) {
      const page = await w.h.request(bad);
      expect(page.status, bad).toBe(404);
      expect(await page.text()).toContain("This link is not valid");
      expect((await confirm(w, bad)).status, bad).toBe(404);
    }
    expect((await w.db.select().from(identityVerifications))[0]!.status).toBe("awaiting_code");
  });

  it("is cancelled by the code path: a code typed on Telegram first makes the link used", { timeout: 30_000 }, async () => {
    const { w, code, path } = await asked();
    await w.say(code, 3);
    await w.botSays("is verified");
    const page = await w.h.request(path);
    expect(page.status).toBe(410);
    expect(await page.text()).toContain("already used");
  });
});
