// The knowledge base on a real libSQL file: bm25 ranking over title, tags and body; drafts hidden
// from search and from plugins; raw customer text never breaks the MATCH; Markdown made safe.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestHarness, type Harness } from "../testing/index.ts";
import { createArticle, updateArticle } from "./articles.ts";
import { renderMarkdown } from "./markdown.ts";
import { createKnowledgeBase } from "./plugin-api.ts";
import { searchArticles } from "./search.ts";

let harness: Harness;
beforeEach(async () => {
  harness = await createTestHarness();
});
afterEach(() => harness.close());

const system = { agentId: null };
const article = (title: string, body: string, extra: { tags?: string[]; status?: "draft" | "published"; locale?: string } = {}) =>
  createArticle(harness.switchboard, system, {
    title,
    body,
    tags: extra.tags ?? [],
    locale: extra.locale ?? "en",
    status: extra.status ?? "published",
  });

describe("knowledge search", () => {
  it("ranks the article about the question first, with stemming, and counts the words it holds", async () => {
    await article("Shipping times", "Parcels arrive in 3 to 5 working days.", { tags: ["delivery"] });
    const refunds = await article("Refunds", "We refund every order within 14 days of delivery.", { tags: ["billing"] });
    await article("Opening hours", "We are open 9 to 5.");
    const hits = await searchArticles(harness.switchboard.store.db, "How do I get refunded for my order?");
    expect(hits[0]?.id).toBe(refunds.id);
    expect(hits[0]).toMatchObject({ title: "Refunds", tags: ["billing"], matched: 2, asked: 3 });
    expect(hits[0]?.excerpt).toContain("refund");
  });

  it("leaves drafts out, keeps a locale's language, and takes any text as words", async () => {
    await article("Refunds", "We refund within 14 days.", { status: "draft" });
    const german = await article("Rückerstattung", "Wir erstatten refund innerhalb von 14 Tagen.", { locale: "de-at" });
    const db = harness.switchboard.store.db;
    expect((await searchArticles(db, "refund")).map((h) => h.id)).toEqual([german.id]);
    expect(await searchArticles(db, "refund", { locale: "en" })).toEqual([]);
    expect((await searchArticles(db, "refund", { locale: "de" })).map((h) => h.id)).toEqual([german.id]);
    for (const raw of [`refund" OR title:*`, "NEAR(a b)", "'", "\u0000refund", "the and of"]) await searchArticles(db, raw);
    expect(await searchArticles(db, "  the is  ")).toEqual([]);
  });

  it("follows changes (the triggers keep the index in step) and plugins read published articles only", async () => {
    const a = await article("Invoices", "Download invoices from your account page.", { status: "draft" });
    const knowledge = createKnowledgeBase(harness.switchboard.store);
    expect(await knowledge.get(a.id)).toBeUndefined();
    await updateArticle(harness.switchboard, system, a.id, {
      status: "published",
      body: "Find **invoices** under [Account](https://shop.example/account).",
    });
    expect((await knowledge.search("where is my invoice"))[0]?.id).toBe(a.id);
    expect(await knowledge.get(a.id)).toMatchObject({
      title: "Invoices",
      text: "Find invoices under Account (https://shop.example/account).",
    });
  });
});

describe("renderMarkdown", () => {
  it("keeps formatting and drops scripts, handlers and javascript: links", () => {
    const html = renderMarkdown('# Hi\n\n**bold** <script>alert(1)</script> [x](javascript:alert(1)) <img src="x" onerror="alert(1)">');
    expect(html).toContain("<h1>Hi</h1>");
    expect(html).toContain("<strong>bold</strong>");
    expect(html).not.toMatch(/script|onerror|javascript:/);
  });
});
