/**
 * The knowledge base over REST: agents read and search published articles; admins also see drafts
 * and create, change and delete articles (others get 403). Bodies are Markdown; `body_html` is the
 * same made safe to show.
 */
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { requireAdmin } from "../../access/index.ts";
import {
  ARTICLE_STATUSES,
  type Article,
  articleChangeFields,
  articleFields,
  createArticle,
  deleteArticle,
  getArticle,
  listArticles,
  renderMarkdown,
  searchArticles,
  updateArticle,
} from "../../knowledge/index.ts";
import type { Services } from "../../services.ts";
import { decodeCursor, encodeCursor } from "../../store/cursor.ts";
import type { ApiApp, ApiEnv } from "./app.ts";
import { jsonBody, routes } from "./route.ts";
import { IdParams, json, millis, PageQuery, pageOf } from "./schemas.ts";

const route = routes("Knowledge base");

const ArticleSchema = z
  .object({
    id: z.number().int(),
    title: z.string(),
    body: z.string().openapi({ description: "Markdown" }),
    body_html: z.string().openapi({ description: "The body as sanitised HTML" }),
    tags: z.array(z.string()),
    locale: z.string().openapi({ example: "en" }),
    status: z.enum(ARTICLE_STATUSES),
    author_agent_id: z.number().int().nullable(),
    created_at: millis,
    updated_at: millis,
  })
  .openapi("Article");

const HitSchema = z
  .object({
    id: z.number().int(),
    title: z.string(),
    tags: z.array(z.string()),
    locale: z.string(),
    excerpt: z.string().openapi({ description: "Plain text around the matches (escape it to show it)" }),
    rank: z.number().openapi({ description: "bm25 relevance: lower is better" }),
    matched: z.number().int().openapi({ description: "How many of the query's content words the article holds" }),
    asked: z.number().int().openapi({ description: "How many content words the query has" }),
  })
  .openapi("ArticleHit");

// Rebuilt with this file's z: schemas made before @hono/zod-openapi loaded have no .openapi().
const ArticleInput = z.object(articleFields.shape).strict().openapi("ArticleInput");
const ArticleChange = z.object(articleChangeFields.shape).strict().openapi("ArticleChange");

const ListQuery = PageQuery.extend({
  status: z.enum(ARTICLE_STATUSES).optional().openapi({ description: "Admins only: draft or published (default: both)" }),
});
const SearchQuery = z.object({
  q: z.string().min(1, { message: "give the words to search for" }).max(1000),
  locale: z
    .string()
    .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, { message: 'use a language tag such as "en" or "de"' })
    .optional()
    .openapi({ description: "Only articles in this language" }),
  limit: z.coerce.number().int().min(1).max(20).default(5),
});

const list = route({
  method: "get",
  path: "/knowledge/articles",
  summary: "Knowledge-base articles, newest first",
  description: "Agents see published articles; admins see drafts too.",
  request: { query: ListQuery },
  responses: { 200: json(pageOf(ArticleSchema), "A page of articles") },
  errors: [403, 422],
});
const read = route({
  method: "get",
  path: "/knowledge/articles/{id}",
  summary: "One article",
  description: "A draft is 404 for agents.",
  request: { params: IdParams },
  responses: { 200: json(ArticleSchema, "The article") },
  errors: [404],
});
const create = route({
  method: "post",
  path: "/knowledge/articles",
  summary: "Write an article (admins)",
  request: { body: jsonBody(ArticleInput) },
  responses: { 201: json(ArticleSchema, "The new article") },
  errors: [403, 422],
});
const change = route({
  method: "patch",
  path: "/knowledge/articles/{id}",
  summary: "Change an article (admins)",
  request: { params: IdParams, body: jsonBody(ArticleChange) },
  responses: { 200: json(ArticleSchema, "The changed article") },
  errors: [403, 404, 422],
});
const remove = route({
  method: "delete",
  path: "/knowledge/articles/{id}",
  summary: "Delete an article (admins)",
  request: { params: IdParams },
  responses: { 204: { description: "Deleted" } },
  errors: [403, 404],
});
const search = route({
  method: "get",
  path: "/knowledge/search",
  summary: "Search published articles",
  description: "Ranked by relevance (bm25 over title, tags and body). Any text is safe: words are matched, never parsed.",
  request: { query: SearchQuery },
  responses: { 200: json(z.object({ data: z.array(HitSchema) }), "Matching articles, best first") },
  errors: [422],
});

function articleJson(a: Article): z.infer<typeof ArticleSchema> {
  return {
    id: a.id,
    title: a.title,
    body: a.body,
    body_html: renderMarkdown(a.body),
    tags: a.tags,
    locale: a.locale,
    status: a.status,
    author_agent_id: a.authorAgentId,
    created_at: a.createdAt,
    updated_at: a.updatedAt,
  };
}

const adminsOnly = (c: Context<ApiEnv>, what: string) => requireAdmin(c.get("viewer"), what);

/**
 * Registers the knowledge-base routes.
 *
 * @example
 * registerKnowledgeRoutes(v1, switchboard);
 */
export function registerKnowledgeRoutes(app: ApiApp, sb: Services): void {
  app.openapi(list, async (c) => {
    const query = c.req.valid("query");
    if (query.status === "draft") adminsOnly(c, "list draft articles");
    const status = c.get("viewer").admin ? query.status : "published";
    const beforeId = query.cursor === undefined ? undefined : decodeCursor(query.cursor, 1)[0];
    const rows = await listArticles(sb.store.db, { status, beforeId, limit: query.limit + 1 });
    const page = rows.slice(0, query.limit);
    const next = rows.length > query.limit ? encodeCursor([page.at(-1)!.id]) : null;
    return c.json({ data: page.map(articleJson), next_cursor: next }, 200);
  });

  app.openapi(read, async (c) => {
    const article = await getArticle(sb.store.db, c.req.valid("param").id, { publishedOnly: !c.get("viewer").admin });
    return c.json(articleJson(article), 200);
  });

  app.openapi(create, async (c) => {
    adminsOnly(c, "write knowledge-base articles");
    const article = await createArticle(sb, { agentId: c.get("agent").id }, c.req.valid("json"));
    return c.json(articleJson(article), 201);
  });

  app.openapi(change, async (c) => {
    adminsOnly(c, "change knowledge-base articles");
    const article = await updateArticle(sb, { agentId: c.get("agent").id }, c.req.valid("param").id, c.req.valid("json"));
    return c.json(articleJson(article), 200);
  });

  app.openapi(remove, async (c) => {
    adminsOnly(c, "delete knowledge-base articles");
    await deleteArticle(sb, { agentId: c.get("agent").id }, c.req.valid("param").id);
    return c.body(null, 204);
  });

  app.openapi(search, async (c) => {
    const query = c.req.valid("query");
    const hits = await searchArticles(sb.store.db, query.q, { limit: query.limit, locale: query.locale });
    return c.json({ data: hits }, 200);
  });
}
