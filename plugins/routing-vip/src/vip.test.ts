// VIP routing: a contact whose CRM enrichment names an account manager goes to that agent while they
// are online, and falls back to the inbox's next strategy (least-busy) while they are not.
import { fileURLToPath } from "node:url";
import {
  createTestAgent,
  createTestHarness,
  type Harness,
  setTestAvailability,
  tables,
  writeFixturePlugin,
} from "@switchboard/core/testing";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";

const PLUGIN = fileURLToPath(new URL("./index.ts", import.meta.url));
const LEAST_BUSY = fileURLToPath(new URL("../../routing-least-busy/src/index.ts", import.meta.url));
const CRM = writeFixturePlugin(
  `ctx.enrich((input) => input.message.contact.externalId.startsWith("vip") ? { owner: "cat@example.com" } : {});`,
  { name: "crm" },
);
let harness: Harness;
afterEach(() => harness?.close());

let n = 0;
async function arrive(customer: string): Promise<number | null> {
  const stored = await harness.inject({ externalId: `m${++n}`, contact: { externalId: customer }, text: "Hello" });
  if (stored.status !== "stored") throw new Error(stored.status);
  await harness.drain();
  return (
    await harness.switchboard.store.db.select().from(tables.conversations).where(eq(tables.conversations.id, stored.conversationId))
  )[0]!.assigneeId;
}

describe("routing-vip", () => {
  it("routes a VIP to their account manager when online, else to the next strategy", async () => {
    harness = await createTestHarness({
      plugins: {
        crm: { package: CRM },
        vip: { package: PLUGIN, options: { attribute: "enrichment.crm.owner" } },
        lb: { package: LEAST_BUSY },
      },
      inboxes: { test: { plugin: "test-channel", routing: ["vip", "lb"] } },
    });
    const ann = await createTestAgent(harness, { name: "Ann", availability: "online" });
    const cat = await createTestAgent(harness, { name: "Cat", availability: "online" });
    expect(await arrive("vip-1")).toBe(cat.id);
    expect(await arrive("vip-2")).toBe(cat.id); // Cat is busier than Ann, but is the manager.
    expect(await arrive("regular-1")).toBe(ann.id);
    await setTestAvailability(harness, cat, "offline");
    expect(await arrive("vip-3")).toBe(ann.id);
    await setTestAvailability(harness, cat, "online");
    expect(await arrive("vip-4")).toBe(cat.id);
  });

  it("runs one plugin loaded under two aliases with two configurations: account manager, then backup manager", async () => {
    const managers = writeFixturePlugin(`ctx.enrich(() => ({ owner: "cat@example.com", backup: "dan@example.com" }));`, { name: "crm" });
    harness = await createTestHarness({
      plugins: {
        crm: { package: managers },
        owner: { package: PLUGIN, options: { attribute: "enrichment.crm.owner" } },
        backup: { package: PLUGIN, options: { attribute: "enrichment.crm.backup" } },
        lb: { package: LEAST_BUSY },
      },
      inboxes: { test: { plugin: "test-channel", routing: ["owner", "backup", "lb"] } },
    });
    expect(harness.switchboard.registry.plugins.map((p) => [p.alias, p.name, p.state])).toContainEqual([
      "backup",
      "routing-vip",
      "started",
    ]);
    const ann = await createTestAgent(harness, { name: "Ann", availability: "online" });
    const cat = await createTestAgent(harness, { name: "Cat", availability: "online" });
    const dan = await createTestAgent(harness, { name: "Dan", availability: "online" });
    expect(await arrive("c-1")).toBe(cat.id);
    await setTestAvailability(harness, cat, "offline");
    expect(await arrive("c-2")).toBe(dan.id);
    await setTestAvailability(harness, dan, "offline");
    expect(await arrive("c-3")).toBe(ann.id);
  });

  it("reads enrichment facts by the alias the enrichment plugin is loaded under, not its package name", async () => {
    const crm = writeFixturePlugin(`ctx.enrich(() => ({ owner: "cat@example.com" }));`, { name: "enrich-hubspot" });
    harness = await createTestHarness({
      plugins: {
        crm: { package: crm },
        vip: { package: PLUGIN, options: { attribute: "enrichment.crm.owner" } },
        lb: { package: LEAST_BUSY },
      },
      inboxes: { test: { plugin: "test-channel", routing: ["vip", "lb"] } },
    });
    await createTestAgent(harness, { name: "Ann", availability: "online" });
    const cat = await createTestAgent(harness, { name: "Cat", availability: "online" });
    await createTestAgent(harness, { name: "Bob", availability: "online" });
    expect(await arrive("c-1")).toBe(cat.id);
    const [contact] = await harness.switchboard.store.db.select().from(tables.contacts);
    expect(contact!.attributes).toMatchObject({ enrichment: { crm: { owner: "cat@example.com" } } });
  });

  it("stops start-up on a fact path that can never match, naming the file, the key and the plugin", async () => {
    const crm = writeFixturePlugin(`ctx.enrich(() => ({ owner: "cat@example.com" }));`, { name: "enrich-hubspot" });
    const start = createTestHarness({
      plugins: { crm: { package: crm }, vip: { package: PLUGIN, options: { attribute: "enrichment.enrich-hubspot.owner" } } },
      inboxes: { test: { plugin: "test-channel", routing: ["vip"] } },
    });
    await expect(start).rejects.toMatchObject({
      code: "SWB_ERR_CONFIG_INVALID",
      message: expect.stringMatching(
        /plugins\.vip\.options\.attribute \(plugin "routing-vip"\): "enrichment\.enrich-hubspot\.owner" can never match.*Fix: .*enrichment\.crm\./s,
      ),
    });
  });

  it("refuses an inbox routing list that names a plugin which is not a routing strategy", async () => {
    await expect(
      createTestHarness({ plugins: { crm: { package: CRM } }, inboxes: { test: { plugin: "test-channel", routing: ["crm"] } } }),
    ).rejects.toMatchObject({ code: "SWB_ERR_CONFIG_INVALID", message: expect.stringContaining("inboxes.test.routing[0]") });
  });
});
