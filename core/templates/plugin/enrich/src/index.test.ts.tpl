// {{name}} tested on a real Switchboard with a temporary database: a message from a known domain
// stores the company on the contact; one from an unknown domain stores nothing.
import { fileURLToPath } from "node:url";
import { afterEach, expect, it } from "vitest";
import { createTestHarness, tables, type Harness } from "@switchboard/core/testing";

const PLUGIN = fileURLToPath(new URL("./index.ts", import.meta.url));
let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
});

it("stores the company of a known email domain on the contact", async () => {
  harness = await createTestHarness({ plugins: { "{{name}}": { package: PLUGIN, options: { companies: { "acme.com": "Acme Inc." } } } } });
  await harness.inject({ externalId: "m1", contact: { externalId: "u1", email: "ada@ACME.com" }, text: "Hello" });
  await harness.inject({ externalId: "m2", contact: { externalId: "u2", email: "bob@example.org" }, text: "Hi" });
  await harness.drain();
  const contacts = await harness.switchboard.store.db.select().from(tables.contacts);
  const enrichment = (email: string) => (contacts.find((c) => c.email === email)?.attributes as { enrichment?: Record<string, unknown> }).enrichment;
  expect(enrichment("ada@acme.com")).toEqual({ "{{name}}": { company: "Acme Inc." } });
  expect(enrichment("bob@example.org")).toBeUndefined();
});
