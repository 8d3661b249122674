/**
 * Saves the README's screenshots: `npm run screenshots` (Debian's chromium, see browser.ts).
 *
 * Seeds a small multichannel demo on a fixed clock: customers writing through the shop's API
 * channel, by email and on WhatsApp (demo-channels.ts), one of them on two channels with a reply,
 * a private note with a mention, a failed WhatsApp delivery, labels, a priority and an assignee.
 * Then it signs in as Bob (who is not given the harness's "test" inbox) and writes
 * docs/screenshots/inbox-list.png, conversation.png and dark.png (prefers-color-scheme: dark with
 * the theme in "auto" mode).
 */
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { eq } from "drizzle-orm";
import { findAgent } from "../../core/src/auth/agents.ts";
import { updateConversation } from "../../core/src/conversations/update.ts";
import type { InboundMessage } from "../../core/src/plugins/types.ts";
import { agents, cannedResponses, contacts, identities, labels } from "../../core/src/store/schema.ts";
import { launchBrowser, useSession, waitForLive } from "./browser.ts";
import { startServer } from "./server.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const OUT = resolve(ROOT, "docs/screenshots");
const START = Date.parse("2026-11-24T08:02:00Z");
const NOW = Date.parse("2026-11-25T10:41:00Z");
const VIEWPORT = { width: 1440, height: 900 };

const server = await startServer({
  now: START,
  backgroundDelivery: false,
  plugins: { demo: { package: resolve(import.meta.dirname, "demo-channels.ts") } },
  inboxes: {
    support: { plugin: "demo", channel: "email", display_name: "Support email" },
    whatsapp: { plugin: "demo", channel: "whatsapp", display_name: "WhatsApp", tone: "short and conversational" },
  },
});
const { harness } = server;
const sb = harness.switchboard;
const ada = (await findAgent(sb.store.db, server.agentIds.ada))!;
const bob = (await findAgent(sb.store.db, server.agentIds.bob))!;
let n = 0;

/** A customer message on an inbox, `minutes` after the previous step. */
async function customer(inbox: string, minutes: number, message: Omit<InboundMessage, "externalId">) {
  harness.clock.advance(minutes * 60_000);
  const stored = await sb.ingest(inbox, { externalId: `demo-${++n}`, ...message });
  if (stored.status !== "stored") throw new Error(`demo message ${n} was not stored (${stored.status})`);
  return stored;
}

async function agentReply(
  conversationId: number,
  minutes: number,
  text: string,
  options: { agentId?: number; kind?: "reply" | "note"; inbox?: string } = {},
) {
  harness.clock.advance(minutes * 60_000);
  await sb.outbound.reply({
    conversationId,
    text,
    agentId: options.agentId ?? ada.id,
    kind: options.kind ?? "reply",
    inbox: options.inbox,
  });
  await harness.drain();
}

await sb.store.write(async (tx) => {
  await tx.insert(labels).values([
    { name: "billing", color: "#2f5bea" },
    { name: "vip", color: "#a15c00" },
    { name: "bug", color: "#c62828" },
  ]);
  await tx.insert(cannedResponses).values({ shortcut: "thanks", text: "Thanks for your patience! Anything else I can help with?" });
  await tx.update(agents).set({ availability: "online" });
});

// Grace: an email about an invoice, answered by email; then she follows up on WhatsApp.
const grace = await customer("support", 0, {
  contact: { externalId: "grace@navy.example", name: "Grace Hopper", email: "grace@navy.example", verified: true },
  subject: "Invoice #4411: wrong VAT number",
  text: "Hello,\n\nmy invoice #4411 shows the wrong VAT number. Could you correct it and send a new one?\n\nThanks,\nGrace",
});
await sb.store.write(async (tx) => {
  await tx
    .insert(identities)
    .values({ contactId: grace.contactId, channel: "whatsapp", externalId: "+1 202 555 0147", verified: true, source: "demo" });
  await tx
    .update(contacts)
    .set({ phone: "+1 202 555 0147", attributes: { plan: "Business", company: "US Navy", customer_since: "2019" } })
    .where(eq(contacts.id, grace.contactId));
});
await agentReply(
  grace.conversationId,
  12,
  "Hi Grace, sorry about that! Could you send me the correct VAT number? I'll re-issue the invoice right away.",
);
const graceWa = await customer("whatsapp", 45, {
  contact: { externalId: "+1 202 555 0147", name: "Grace Hopper" },
  text: "Hi! It's DE123456789 (I replied by email too, just making sure it reached you)",
});
await agentReply(graceWa.conversationId, 3, "@Bob can you re-issue invoice #4411 with DE123456789? Finance needs it before Friday.", {
  kind: "note",
});
await updateConversation(sb, ada, graceWa.conversationId, { assigneeId: bob.id, priority: "high", addLabels: ["billing", "vip"] });

// The rest of the queue, through the day.
const linus = await customer("shop", 28, {
  contact: { externalId: "cust-8812", name: "Linus Torvalds" },
  text: 'The checkout widget does not load on Firefox 140. The console says "TypeError: e is undefined".',
});
await updateConversation(sb, ada, linus.conversationId, { addLabels: ["bug"], priority: "medium" });
const margaret = await customer("whatsapp", 200, {
  contact: { externalId: "+44 20 7946 0321", name: "Margaret Hamilton" },
  text: "Is the Berlin store open on Sunday?",
});
await agentReply(margaret.conversationId, 4, "Hi Margaret! Sundays we're closed, but Saturday we're open 10–18.", { agentId: bob.id });
await customer("whatsapp", 2, { contact: { externalId: "+44 20 7946 0321" }, text: "Perfect, thanks!" });
const katherine = await customer("support", 180, {
  contact: { externalId: "kj@orbit.example", name: "Katherine Johnson", email: "kj@orbit.example", verified: true },
  subject: "Refund for order #10293",
  text: "I returned order #10293 two weeks ago. When will the refund arrive?",
});
await updateConversation(sb, ada, katherine.conversationId, { assigneeId: bob.id, addLabels: ["billing"] });
const alan = await customer("shop", 240, {
  contact: { externalId: "cust-1912", name: "Alan Turing" },
  text: "The password reset email never arrives. I've checked spam.",
});
await updateConversation(sb, ada, alan.conversationId, { assigneeId: bob.id });

// The next morning Bob answers Grace on WhatsApp: over 24 hours later, so WhatsApp refuses it.
harness.clock.set(Date.parse("2026-11-25T10:02:00Z"));
await agentReply(graceWa.conversationId, 0, "Done! The corrected invoice is on its way to your inbox.", { agentId: bob.id });
await customer("shop", 18, {
  contact: { externalId: "cust-3141", name: "Ada Lovelace" },
  text: "Can I switch to the annual plan in the middle of my billing cycle?",
});
await customer("whatsapp", 15, {
  contact: { externalId: "+49 151 2345 6789", name: "Hedy Lamarr" },
  text: "Does the router support WPA3?",
});
harness.clock.set(NOW);

mkdirSync(OUT, { recursive: true });
const chrome = await launchBrowser();
try {
  const token = await server.sessionFor("bob");
  // The pages' own clocks (SLA countdowns) read the demo's time, like the server's.
  const light = await chrome.newPage({ viewport: VIEWPORT });
  await light.context.clock.setFixedTime(NOW);
  await useSession(light.page, server.url, token, "/inbox?view=all");
  await light.page.screenshot({ path: resolve(OUT, "inbox-list.png") });

  const conversation = `/inbox/conversations/${graceWa.conversationId}?view=all`;
  await light.page.goto(server.url + conversation);
  await waitForLive(light.page);
  await light.page.locator("#timeline .msg.outgoing .badge", { hasText: "Failed" }).first().waitFor();
  await light.page.screenshot({ path: resolve(OUT, "conversation.png") });

  const dark = await chrome.newPage({ viewport: VIEWPORT, colorScheme: "dark" });
  await dark.context.clock.setFixedTime(NOW);
  await useSession(dark.page, server.url, token, conversation);
  await dark.page.emulateMedia({ colorScheme: "dark" });
  await dark.page.locator("#timeline").waitFor();
  await dark.page.screenshot({ path: resolve(OUT, "dark.png") });
  if (chrome.errors.length) throw new Error(`The pages had errors: ${chrome.errors.join("; ")}`);
  console.log(`Saved inbox-list.png, conversation.png and dark.png in ${OUT}`);
} finally {
  await chrome.close();
  await server.close();
}
