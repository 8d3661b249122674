// The FAQ answering from the knowledge base over the API channel: the best published article that
// holds enough of the question's words is sent with the escape hatch; drafts and weak matches are
// never sent; a configured entry goes first; "agent" still hands over.
import { afterEach, describe, expect, it } from "vitest";
import { createArticle } from "../knowledge/index.ts";
import { type AutomationKit, automationKit, TUESDAY_10 } from "./fixtures.ts";

let kit: AutomationKit;
afterEach(() => kit?.close());

const HINT = "\n\nReply 'agent' to talk to a person.";

async function articles() {
  const write = (title: string, body: string, status: "draft" | "published" = "published") =>
    createArticle(kit.harness.switchboard, { agentId: null }, { title, body, tags: [], locale: "en", status });
  await write("Refunds", "We refund **every order** within 14 days. Start at [returns](https://shop.example/returns).");
  await write("Shipping times", "Parcels arrive in 3 to 5 working days.");
  await write("Gift cards", "Gift cards never expire.", "draft");
}

describe("FAQ from the knowledge base", () => {
  it("answers with the best-matching published article and keeps the escape hatch", async () => {
    kit = await automationKit({ acknowledgement: { enabled: false } }, TUESDAY_10);
    await articles();
    const id = await kit.write("grace", "How long until my refund arrives for my order?");
    expect(kit.sentTexts()).toEqual([
      `Refunds\n\nWe refund every order within 14 days. Start at returns (https://shop.example/returns).${HINT}`,
    ]);
    await kit.write("grace", "Do gift cards expire?"); // only a draft says so
    await kit.write("grace", "My cat likes the shipping box"); // 1 of 3 words: too weak
    expect(kit.sentTexts()).toHaveLength(1);
    await kit.write("grace", "agent");
    expect(kit.sentTexts().at(-1)).toBe("Thanks! A person will take it from here.");
    expect((await kit.conversation(id)).priority).toBe("high");
    await kit.write("grace", "How long does shipping take?");
    expect(kit.sentTexts()).toHaveLength(2); // a person is in charge now
  });

  it("lets configured entries go first, cuts long articles, and can be switched off", async () => {
    const faq = { entries: [{ keywords: ["refund"], answer: "See our refund page." }], knowledge: { max_chars: 120 } };
    kit = await automationKit({ faq, acknowledgement: { enabled: false } }, TUESDAY_10);
    await articles();
    await createArticle(
      kit.harness.switchboard,
      { agentId: null },
      {
        title: "Warranty",
        body: `Every device has a two year warranty. ${"We repair or replace it free of charge. ".repeat(10)}`,
        tags: [],
        locale: "en",
        status: "published",
      },
    );
    await kit.write("ada", "Can I get a refund?");
    await kit.write("bob", "What warranty does the device have?");
    const [entry, warranty] = kit.sentTexts();
    expect(entry).toBe(`See our refund page.${HINT}`);
    expect(warranty?.endsWith(`…${HINT}`)).toBe(true);
    expect(warranty!.length - HINT.length).toBeLessThanOrEqual(120);

    await kit.close();
    kit = await automationKit({ faq: { knowledge: { enabled: false } }, acknowledgement: { enabled: false } }, TUESDAY_10);
    await articles();
    await kit.write("grace", "How long until my refund arrives?");
    expect(kit.sentTexts()).toEqual([]);
  });
});
