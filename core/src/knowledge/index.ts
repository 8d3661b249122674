/**
 * The knowledge base: articles (Markdown, tags, locale, draft or published), their FTS5 search,
 * and their rendering. Read by the REST API, the admin pages, the FAQ automation and, through
 * `ctx.knowledge`, the assistants.
 */
export * from "./articles.ts";
export * from "./input.ts";
export * from "./markdown.ts";
export * from "./plugin-api.ts";
export * from "./query.ts";
export * from "./search.ts";
