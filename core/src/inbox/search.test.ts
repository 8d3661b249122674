// The inbox search box finds contacts: by name, email and phone (also typed without spaces), only
// those the agent may see; message hits show the customer's name; a search keeps the list filters.
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { contacts, teamInboxes, teams } from "../store/schema.ts";
import type { Harness } from "../testing/index.ts";
import { inboxHarness, signIn } from "./fixtures.ts";

let harness: Harness;
afterEach(async () => harness?.close());

async function customer(user: string, name: string, text: string, facts: { email?: string; phone?: string }) {
  const stored = await harness.inject({ externalId: `${user}-m1`, contact: { externalId: user, name }, text });
  if (stored.status !== "stored") throw new Error("not stored");
  if (Object.keys(facts).length)
    await harness.switchboard.store.write((tx) => tx.update(contacts).set(facts).where(eq(contacts.id, stored.contactId)));
  return stored;
}

describe("inbox search", () => {
  it("finds contacts by name, email and phone, each linking to their conversation", async () => {
    ({ harness } = await inboxHarness());
    const grace = await customer("u1", "Grace Hopper", "Where is my parcel?", { email: "grace@navy.example", phone: "+49 170 1234567" });
    await customer("u2", "Alan Turing", "Hello", { email: "alan@example.org" });
    const bob = await signIn(harness, "bob@example.com", "correct-horse-battery");
    for (const q of ["grace", "Hopp", "grace@navy.example", "navy", "+491701234567", "170 1234567"]) {
      const html = await (await bob.get(`/inbox?view=all&q=${encodeURIComponent(q)}`)).text();
      expect(html, q).toContain(`data-contact="${grace.contactId}"`);
      expect(html, q).toContain(`href="/inbox/conversations/${grace.conversationId}?view=all&amp;status=open"`);
      expect(html, q).not.toContain("Alan Turing</a>");
    }
  });

  it("shows the customer's name on message hits and keeps the list filters in the search form", async () => {
    ({ harness } = await inboxHarness());
    const grace = await customer("u1", "Grace Hopper", "My invoice is wrong", {});
    const ada = await signIn(harness, "ada@example.com", "correct-horse-battery");
    const html = await (await ada.get("/inbox?view=unassigned&status=pending&sort=due&q=invoice")).text();
    expect(html).toContain(`Grace Hopper · Conversation #${grace.conversationId}`);
    expect(html).toContain('<input type="hidden" name="view" value="unassigned"/>');
    expect(html).toContain('<input type="hidden" name="status" value="pending"/>');
    expect(html).toContain('<input type="hidden" name="sort" value="due"/>');
    expect(html).toMatch(/aria-current="page">Unassigned(<span class="count">.*?<\/span>)?<\/a>/);
  });

  it("never shows a contact the agent may not see", async () => {
    ({ harness } = await inboxHarness());
    await customer("u1", "Grace Hopper", "secret", { email: "grace@navy.example" });
    await harness.switchboard.store.write(async (tx) => {
      const [team] = await tx.insert(teams).values({ name: "VIP desk" }).returning();
      await tx.insert(teamInboxes).values({ teamId: team!.id, inbox: "test" });
    });
    const bob = await signIn(harness, "bob@example.com", "correct-horse-battery");
    const html = await (await bob.get("/inbox?view=all&q=grace")).text();
    expect(html).not.toContain("data-contact=");
    expect(html).toContain("Nothing found.");
    const ada = await signIn(harness, "ada@example.com", "correct-horse-battery");
    expect(await (await ada.get("/inbox?view=all&q=grace")).text()).toContain("data-contact=");
  });
});
