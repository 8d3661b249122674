/**
 * A support history to learn from, written straight into the store (as an import or an old
 * database would hold it, so no events fire): resolved conversations, each a customer question
 * and an agent's answer, on topics that share words so ranking has to tell them apart. Used by the
 * plugin's tests and by bench/assistant-local.ts.
 */
import { type Harness, tables } from "@switchboard/core/testing";

type Store = Pick<Harness["switchboard"]["store"], "write">;

/** Topics: ways customers ask, and the answer this team gives. */
export const TOPICS = [
  {
    name: "refund-status",
    asks: ["When will I get my refund for order {n}?", "My refund for {n} has not arrived yet", "Where is the money back for order {n}?"],
    answer:
      "Refunds reach your card 3 to 5 working days after we receive the parcel. I can see the refund for your order was issued today.",
  },
  {
    name: "refund-policy",
    asks: [
      "Can I return a product I bought on sale?",
      "What is your return policy for sale items?",
      "Do you accept returns of discounted products?",
    ],
    answer: "Sale items can be returned within 14 days, unworn and with the tags on. Start the return on our returns page.",
  },
  {
    name: "password",
    asks: [
      "I cannot log in, the password reset email never arrives",
      "Password reset link is not working",
      "I forgot my password and the reset mail does not come",
    ],
    answer: "Reset emails sometimes land in spam. I have sent a new reset link; it works for 30 minutes.",
  },
  {
    name: "shipping-time",
    asks: ["How long does shipping to Austria take?", "When will my parcel arrive in Austria?", "Delivery time for Austria?"],
    answer: "Parcels to Austria take 2 to 4 working days with DHL. You get a tracking link by email when it ships.",
  },
  {
    name: "invoice",
    asks: [
      "I need an invoice with my company VAT number for order {n}",
      "Can you add our VAT id to the invoice of {n}?",
      "Invoice for {n} must show the company VAT number",
    ],
    answer: "I have added your VAT number and sent the corrected invoice to your email address.",
  },
  {
    name: "cancel-order",
    asks: ["Please cancel my order {n}, I ordered the wrong size", "Cancel order {n} please", "Can I still cancel {n}? Wrong colour"],
    answer: "Your order is cancelled; the payment will be released within 2 days.",
  },
  {
    name: "damaged",
    asks: ["The jacket from order {n} arrived damaged", "My parcel {n} came with a broken zip", "Item in {n} is torn"],
    answer: "I am sorry it arrived damaged. I have sent a free replacement; please keep or recycle the damaged one.",
  },
  {
    name: "address-change",
    asks: [
      "Can I change the delivery address of order {n}?",
      "I moved, please ship {n} to my new address",
      "Wrong shipping address on {n}",
    ],
    answer: "I have updated the delivery address; the parcel has not left our warehouse yet.",
  },
] as const;

const NOISE = ["hello", "hi there", "good morning", "thanks in advance", "kind regards", "cheers", "please help", ""];

/** A deterministic pseudo-random number generator (so seeded runs are the same). */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * Writes `count` resolved conversations (one contact each), the i-th on topic i % TOPICS.length,
 * each with one customer message and the agent's answer, in batches of 500. Returns the
 * conversation ids by topic name.
 *
 * @example
 * const byTopic = await seedHistory(harness.switchboard.store, { count: 40, agentId: ann.id, inbox: "test", channel: "test" });
 */
export async function seedHistory(
  store: Store,
  options: { count: number; agentId: number; inbox: string; channel: string; seed?: number; now?: number },
): Promise<Map<string, number[]>> {
  const next = random(options.seed ?? 1);
  const byTopic = new Map<string, number[]>();
  const now = options.now ?? Date.now();
  for (let start = 0; start < options.count; start += 500) {
    const size = Math.min(500, options.count - start);
    await store.write(async (tx) => {
      const contacts = await tx
        .insert(tables.contacts)
        .values(Array.from({ length: size }, (_, i) => ({ name: `Customer ${start + i}` })))
        .returning({ id: tables.contacts.id });
      const topics = Array.from({ length: size }, (_, i) => TOPICS[(start + i) % TOPICS.length]!);
      const at = (i: number) => now - (options.count - start - i) * 60_000;
      const conversations = await tx
        .insert(tables.conversations)
        .values(
          contacts.map((c, i) => ({
            contactId: c.id,
            inbox: options.inbox,
            channel: options.channel,
            status: "resolved" as const,
            createdAt: at(i),
            updatedAt: at(i),
            lastActivityAt: at(i),
          })),
        )
        .returning({ id: tables.conversations.id });
      const rows = conversations.flatMap((c, i) => {
        const topic = topics[i]!;
        const ask = topic.asks[Math.floor(next() * topic.asks.length)]!.replace("{n}", `A-${1000 + start + i}`);
        const noise = NOISE[Math.floor(next() * NOISE.length)]!;
        const list = byTopic.get(topic.name) ?? [];
        list.push(c.id);
        byTopic.set(topic.name, list);
        const base = { conversationId: c.id, contactId: contacts[i]!.id, inbox: options.inbox, channel: options.channel };
        return [
          { ...base, direction: "incoming" as const, text: noise ? `${noise}, ${ask}` : ask, createdAt: at(i), updatedAt: at(i) },
          {
            ...base,
            direction: "outgoing" as const,
            authorAgentId: options.agentId,
            text: topic.answer,
            deliveryStatus: "sent" as const,
            createdAt: at(i) + 1,
            updatedAt: at(i) + 1,
          },
        ];
      });
      await tx.insert(tables.messages).values(rows);
    });
  }
  return byTopic;
}
