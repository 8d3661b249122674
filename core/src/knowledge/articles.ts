/**
 * Knowledge-base articles in the store: create, change, delete (each with its audit row, in one
 * transaction), read one and list. Who may do what is the caller's business (the REST routes and
 * the admin pages ask the access rule); `publishedOnly` is how agents' reads are limited.
 */
import { and, desc, eq, lt, type SQL } from "drizzle-orm";
import { ErrorCodes, SwitchboardError } from "../errors/index.ts";
import type { Services } from "../services.ts";
import type { Queryable, Tx } from "../store/index.ts";
import { auditLog, knowledgeArticles } from "../store/schema.ts";
import type { ArticleChange, ArticleInput, ArticleStatus } from "./input.ts";

export type Article = typeof knowledgeArticles.$inferSelect;
type KnowledgeServices = Pick<Services, "store" | "clock">;

/** Who changes an article: an agent (by id), or a named system actor. */
export interface ArticleActor {
  agentId: number | null;
}

function missing(id: number): SwitchboardError {
  return new SwitchboardError(
    ErrorCodes.NOT_FOUND,
    `There is no knowledge-base article with the id ${id}. List them with GET /api/v1/knowledge/articles.`,
  );
}

async function writeAudit(tx: Tx, actor: ArticleActor, at: number, action: string, id: number, data: Record<string, unknown>) {
  await tx.insert(auditLog).values({
    actor: actor.agentId === null ? "system" : `agent:${actor.agentId}`,
    action,
    subjectType: "knowledge_article",
    subjectId: String(id),
    data,
    createdAt: at,
  });
}

/**
 * One article, or SWB_ERR_NOT_FOUND (a draft, too, when `publishedOnly`).
 *
 * @example
 * const article = await getArticle(store.db, 4, { publishedOnly: !viewer.admin });
 */
export async function getArticle(db: Queryable, id: number, options: { publishedOnly: boolean }): Promise<Article> {
  const [row] = Number.isSafeInteger(id) ? await db.select().from(knowledgeArticles).where(eq(knowledgeArticles.id, id)) : [];
  if (!row || (options.publishedOnly && row.status !== "published")) throw missing(id);
  return row;
}

/**
 * Articles, most recently changed first, `limit + 1` of them from before the cursor (an id) so the
 * caller knows whether there is more.
 *
 * @example
 * const rows = await listArticles(store.db, { status: "published", limit: 26 });
 */
export async function listArticles(
  db: Queryable,
  options: { status?: ArticleStatus; beforeId?: number; limit: number },
): Promise<Article[]> {
  const where: SQL[] = [];
  if (options.status) where.push(eq(knowledgeArticles.status, options.status));
  if (options.beforeId !== undefined) where.push(lt(knowledgeArticles.id, options.beforeId));
  return db
    .select()
    .from(knowledgeArticles)
    .where(where.length > 0 ? and(...where) : undefined)
    .orderBy(desc(knowledgeArticles.id))
    .limit(options.limit);
}

/**
 * Stores a new article.
 *
 * @example
 * const article = await createArticle(switchboard, { agentId: admin.id }, { title: "Refunds", body: "We refund within 14 days.", tags: ["billing"], locale: "en", status: "published" });
 */
export async function createArticle(sb: KnowledgeServices, actor: ArticleActor, input: ArticleInput): Promise<Article> {
  const now = sb.clock.now();
  return sb.store.write(async (tx) => {
    const [row] = await tx
      .insert(knowledgeArticles)
      .values({ ...input, authorAgentId: actor.agentId, createdAt: now, updatedAt: now })
      .returning();
    await writeAudit(tx, actor, now, "knowledge_article.created", row!.id, { title: input.title, status: input.status });
    return row!;
  });
}

/**
 * Changes an article (only the fields given), or SWB_ERR_NOT_FOUND.
 *
 * @example
 * await updateArticle(switchboard, { agentId: admin.id }, 4, { status: "published" });
 */
export async function updateArticle(sb: KnowledgeServices, actor: ArticleActor, id: number, change: ArticleChange): Promise<Article> {
  const now = sb.clock.now();
  return sb.store.write(async (tx) => {
    const before = await getArticle(tx, id, { publishedOnly: false });
    const [row] = await tx
      .update(knowledgeArticles)
      .set({ ...change, updatedAt: now })
      .where(eq(knowledgeArticles.id, id))
      .returning();
    const changed = Object.keys(change).filter((key) => change[key as keyof ArticleChange] !== undefined);
    await writeAudit(tx, actor, now, "knowledge_article.updated", id, { title: before.title, changed });
    return row!;
  });
}

/**
 * Deletes an article, or SWB_ERR_NOT_FOUND.
 *
 * @example
 * await deleteArticle(switchboard, { agentId: admin.id }, 4);
 */
export async function deleteArticle(sb: KnowledgeServices, actor: ArticleActor, id: number): Promise<void> {
  const now = sb.clock.now();
  await sb.store.write(async (tx) => {
    const before = await getArticle(tx, id, { publishedOnly: false });
    await tx.delete(knowledgeArticles).where(eq(knowledgeArticles.id, id));
    await writeAudit(tx, actor, now, "knowledge_article.deleted", id, { title: before.title });
  });
}
