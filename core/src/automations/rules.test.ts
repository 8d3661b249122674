// Custom rules from config: conditions and actions on customer messages, a signed webhook, the
// per-conversation limit, a time-based ("idle") rule, a rule on an SLA breach, and config errors.

import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfigText } from "../config/load.ts";
import { conversationLabels, labels } from "../store/schema.ts";
import { SIGNATURE_HEADER, verifyWebhookSignature } from "../webhooks/signature.ts";
import { type AutomationKit, automationKit, HOUR, TUESDAY_10 } from "./fixtures.ts";

let kit: AutomationKit;
const servers: ReturnType<typeof Bun.serve>[] = [];
afterEach(async () => {
  await kit?.close();
  servers.splice(0).forEach((s) => s.stop(true));
});
const quiet = {
  acknowledgement: { enabled: false },
  out_of_hours: { enabled: false },
  follow_up: { enabled: false },
  csat: { enabled: false },
};
const SECRET = "rule-secret-0123456789";

async function labelsOf(id: number) {
  const rows = await kit.harness.switchboard.store.db
    .select({ name: labels.name })
    .from(conversationLabels)
    .innerJoin(labels, eq(labels.id, conversationLabels.labelId))
    .where(eq(conversationLabels.conversationId, id));
  return rows.map((r) => r.name).sort();
}

describe("custom automation rules", () => {
  it("label, prioritise, note and POST a signed webhook when a customer asks for a refund", async () => {
    const hooks: { body: { rule: string; conversation_id: number; data: { text: string } }; verified: boolean }[] = [];
    const receiver = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      async fetch(request) {
        const raw = await request.text();
        hooks.push({
          body: JSON.parse(raw),
          verified: (await verifyWebhookSignature(SECRET, request.headers.get(SIGNATURE_HEADER), raw, { nowSeconds: TUESDAY_10 / 1000 }))
            .ok,
        });
        return new Response("ok");
      },
    });
    servers.push(receiver);
    const rule = {
      name: "refunds",
      on: "message.created",
      when: { channel: ["test"], text_contains: ["refund"], business_hours: "open" },
      actions: [
        { type: "add_label", label: "refund" },
        { type: "set_priority", priority: "high" },
        { type: "add_note", text: "Refund asked by {{contact.first_name}}: {{message.text}}" },
        { type: "webhook", url: `http://127.0.0.1:${receiver.port}/hook`, secret: SECRET },
      ],
    };
    kit = await automationKit({ ...quiet, rules: [rule] }, TUESDAY_10);
    const plain = await kit.write("ada", "Where is my parcel?");
    const id = await kit.write("grace", "I want a refund for order 42");
    expect(await labelsOf(plain)).toEqual([]);
    expect(await labelsOf(id)).toEqual(["refund"]);
    const conversation = await kit.conversation(id);
    expect(conversation.priority).toBe("high");
    const timeline = await kit.timeline(id);
    expect(timeline.filter((m) => m.direction === "note").map((m) => m.text)).toEqual([
      "Refund asked by Grace: I want a refund for order 42",
    ]);
    expect(timeline.filter((m) => m.direction === "activity").map((m) => m.text)).toContain(
      "Priority changed from none to high by Automation refunds",
    );
    expect(hooks).toMatchObject([
      { verified: true, body: { rule: "refunds", conversation_id: id, data: { text: "I want a refund for order 42" } } },
    ]);
  });

  it("fire at most max_fires times per conversation", async () => {
    const rule = {
      name: "echo",
      on: "message.created",
      max_fires: 2,
      actions: [{ type: "send_message", text: "Got it, {{contact.name}}." }],
    };
    kit = await automationKit({ ...quiet, rules: [rule] }, TUESDAY_10);
    for (const text of ["one", "two", "three"]) await kit.write("grace", text);
    expect(kit.sentTexts()).toEqual(["Got it, Grace Hopper.", "Got it, Grace Hopper."]);
    await kit.write("ada", "one");
    expect(kit.sentTexts()).toHaveLength(3);
  });

  it("run a time-based rule N minutes after the customer's last message", async () => {
    const rule = { name: "nudge", on: "idle", after_minutes: 60, actions: [{ type: "add_label", label: "waiting" }] };
    kit = await automationKit({ ...quiet, rules: [rule] }, TUESDAY_10);
    const id = await kit.write("grace", "Hello?");
    kit.harness.clock.advance(HOUR / 2);
    await kit.write("grace", "Hello??"); // the wait starts again
    kit.harness.clock.advance(HOUR - 1);
    await kit.harness.drain();
    expect(await labelsOf(id)).toEqual([]);
    kit.harness.clock.advance(1);
    await kit.harness.drain();
    expect(await labelsOf(id)).toEqual(["waiting"]);
  });

  it("react to an SLA breach", async () => {
    const rule = {
      name: "breach",
      on: "sla.breached",
      when: { priority: ["none", "low"] },
      actions: [{ type: "set_priority", priority: "urgent" }],
    };
    kit = await automationKit({ ...quiet, rules: [rule] }, TUESDAY_10);
    const id = await kit.write("grace", "Hello?");
    kit.harness.clock.advance(30 * 60_000);
    await kit.harness.drain();
    expect((await kit.conversation(id)).priority).toBe("urgent");
  });

  it("refuse unknown template variables and idle rules without a wait, naming the key", () => {
    const load = (automations: unknown) => () => parseConfigText(`[automations]\n${automations}`, "/srv/switchboard.toml", {});
    expect(
      load(
        `[[automations.rules]]\nname = "x"\non = "message.created"\nactions = [{ type = "send_message", text = "Hi {{contact.nmae}}" }]`,
      ),
    ).toThrow(/automations\.rules\[0\]\.actions\[0\]\.text.*contact\.nmae/s);
    expect(load(`[[automations.rules]]\nname = "x"\non = "idle"\nactions = [{ type = "resolve" }]`)).toThrow(/after_minutes/);
  });
});
