// Skills routing: language (message metadata or contact attributes) and contact facts matched to
// agent skills, the least busy match first, the next strategy when nobody matches (or nothing is
// needed), and agents going online and offline.
import { fileURLToPath } from "node:url";
import { languageOf, type RouteInput } from "@switchboard/core";
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
import { bestMatch } from "./index.ts";
import { requiredSkills } from "./skills.ts";

const PLUGIN = fileURLToPath(new URL("./index.ts", import.meta.url));
const LEAST_BUSY = fileURLToPath(new URL("../../routing-least-busy/src/index.ts", import.meta.url));
const CRM = writeFixturePlugin(
  `ctx.enrich((input) => input.message.contact.externalId.startsWith("corp") ? { plan: "enterprise" } : {});`,
  { name: "enrich-billing-system" },
);
let harness: Harness;
afterEach(() => harness?.close());

let n = 0;
async function arrive(customer: string, metadata: Record<string, unknown> = {}) {
  const stored = await harness.inject({ externalId: `m${++n}`, contact: { externalId: customer }, text: "Hallo", metadata });
  if (stored.status !== "stored") throw new Error(stored.status);
  await harness.drain();
  return (
    await harness.switchboard.store.db.select().from(tables.conversations).where(eq(tables.conversations.id, stored.conversationId))
  )[0]!.assigneeId;
}

describe("routing-skills", () => {
  it("matches language and facts to skills, falls back when nobody matches, follows availability", async () => {
    harness = await createTestHarness({
      plugins: {
        crm: { package: CRM },
        skills: { package: PLUGIN, options: { facts: [{ path: "enrichment.crm.plan", equals: "enterprise", skill: "enterprise" }] } },
        lb: { package: LEAST_BUSY },
      },
      inboxes: { test: { plugin: "test-channel", routing: ["skills", "lb"] } },
    });
    const ann = await createTestAgent(harness, { name: "Ann", availability: "online", skills: ["lang:de"] });
    const ben = await createTestAgent(harness, { name: "Ben", availability: "online", skills: ["Enterprise", "lang:de"] });
    const cat = await createTestAgent(harness, { name: "Cat", availability: "online" });
    expect(await arrive("corp-1")).toBe(ben.id);
    expect(await arrive("anna", { language: "de-AT" })).toBe(ann.id); // Ann and Ben speak German; Ben is busier.
    expect(await arrive("plain")).toBe(cat.id); // no skill needed: least-busy decides.
    expect(await arrive("corp-2", { language: "de" })).toBe(ben.id); // needs both: only Ben.
    await setTestAvailability(harness, ben, "offline");
    expect(await arrive("corp-3")).toBe(ann.id); // nobody with "enterprise" online: least-busy (Ann 1, Cat 1 → lower id).
    await setTestAvailability(harness, ben, "online");
    expect(await arrive("corp-4")).toBe(ben.id);
  });

  it("derives needed skills from labels, language and facts", () => {
    const input = {
      contact: {
        id: 1,
        name: null,
        email: null,
        phone: null,
        isNew: false,
        attributes: { locale: "pt_BR", enrichment: { crm: { tier: "gold" } } },
      },
      conversation: {
        id: 7,
        inbox: "test",
        channel: "test",
        status: "open",
        assigneeId: null,
        teamId: null,
        isNew: false,
        labels: ["Billing"],
      },
      message: { externalId: "x", contact: { externalId: "c" }, text: "" },
    } satisfies RouteInput;
    const rules = {
      labels: true,
      languageAttributes: ["language", "locale"],
      facts: [{ path: "enrichment.crm.tier", equals: "gold", skill: "vip" }],
    };
    expect(requiredSkills(input, rules).sort()).toEqual(["billing", "lang:pt", "vip"]);
    expect(languageOf("english")).toBeUndefined();
    const agents = [
      { id: 1, skills: ["billing"], load: 0, available: true },
      { id: 2, skills: ["billing", "lang:pt"], load: 4, available: true },
    ];
    expect(bestMatch(agents, ["billing", "lang:pt"], "all")?.id).toBe(2);
    expect(bestMatch(agents, ["billing", "vip"], "all")).toBeUndefined();
    expect(bestMatch(agents, ["billing", "vip"], "most")?.id).toBe(1);
  });

  it("routes a new conversation after the arrival rules: a label a rule adds on arrival is a needed skill", async () => {
    const rule = {
      name: "billing",
      on: "conversation.created",
      when: { text_contains: ["invoice"] },
      actions: [{ type: "add_label", label: "billing" }],
    };
    harness = await createTestHarness({
      config: { automations: { enabled: true, rules: [rule] } },
      plugins: { skills: { package: PLUGIN }, lb: { package: LEAST_BUSY } },
      inboxes: { test: { plugin: "test-channel", routing: ["skills", "lb"] } },
    });
    const ann = await createTestAgent(harness, { name: "Ann", availability: "online" });
    const ben = await createTestAgent(harness, { name: "Ben", availability: "online", skills: ["billing"] });
    const write = async (customer: string, text: string) => {
      const stored = await harness.inject({ externalId: `m${++n}`, contact: { externalId: customer }, text });
      if (stored.status !== "stored") throw new Error(stored.status);
      await harness.drain();
      return (
        await harness.switchboard.store.db.select().from(tables.conversations).where(eq(tables.conversations.id, stored.conversationId))
      )[0]!.assigneeId;
    };
    expect(await write("c-1", "My invoice is wrong")).toBe(ben.id); // least-busy alone would pick Ann (lower id).
    expect(await write("c-2", "Where is my parcel?")).toBe(ann.id); // no rule, no skill: least-busy.
    expect(await write("c-3", "Another invoice question")).toBe(ben.id);
  });

  it("stops start-up on a facts path whose alias is no enrichment plugin", async () => {
    const start = createTestHarness({
      plugins: {
        crm: { package: CRM },
        skills: { package: PLUGIN, options: { facts: [{ path: "enrichment.billing.plan", equals: "enterprise", skill: "enterprise" }] } },
      },
      inboxes: { test: { plugin: "test-channel", routing: ["skills"] } },
    });
    await expect(start).rejects.toMatchObject({
      code: "SWB_ERR_CONFIG_INVALID",
      message: expect.stringContaining(
        'plugins.skills.options.facts[0].path (plugin "routing-skills"): "enrichment.billing.plan" can never match',
      ),
    });
  });
});
