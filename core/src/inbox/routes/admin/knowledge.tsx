/** @jsxImportSource hono/jsx */
/**
 * /admin/knowledge: the knowledge base for admins. List and write articles, read one as it will
 * show (Markdown rendered and sanitised), change or delete it. Forms are checked with the same
 * rules as the REST API (knowledge/input.ts); a refused form comes back with the reason.
 */
import { Hono } from "hono";
import { z } from "zod";
import {
  articleFields,
  createArticle,
  deleteArticle,
  getArticle,
  listArticles,
  renderMarkdown,
  tagsFromLine,
  updateArticle,
} from "../../../knowledge/index.ts";
import type { Services } from "../../../services.ts";
import type { InboxEnv } from "../../env.ts";
import { renderPage } from "../../render.ts";
import { KNOWLEDGE_PAGE, KnowledgeArticleView, KnowledgeListView } from "../../views/admin/knowledge.tsx";
import type { Notice } from "../../views/admin/notice.tsx";
import { AdminPage } from "../../views/admin/page.tsx";
import { type AdminCtx, attempt, done, idParam, noticeFromQuery, readAdminForm, type Shared, type ShowPage } from "./support.ts";

/** The form: tags come as one line of words. */
const articleForm = z.preprocess(
  (body) =>
    typeof body === "object" && body !== null && "tags" in body && typeof body.tags === "string"
      ? { ...body, tags: tagsFromLine(body.tags) }
      : body,
  z.object(articleFields.shape),
);

/** The form's article fields (the CSRF token and anything else left out). */
async function readArticle(c: AdminCtx) {
  const { title, body, tags, locale, status } = await readAdminForm(c, articleForm);
  return { title, body, tags, locale, status };
}

export function knowledgeAdminRoutes(sb: Services, shared: Shared): Hono<InboxEnv> {
  const app = new Hono<InboxEnv>();
  const actor = (c: AdminCtx) => ({ agentId: c.get("session").agent.id });

  const showList: ShowPage = async (c, notice, status = 200) => {
    const session = c.get("session");
    const articles = await listArticles(sb.store.db, { limit: 500 });
    return renderPage(
      c,
      <AdminPage title="Knowledge base" page={{ ...shared, session }} section={KNOWLEDGE_PAGE} notice={notice}>
        <KnowledgeListView articles={articles} csrf={session.csrfToken} notice={notice} />
      </AdminPage>,
      status,
    );
  };

  const showArticle =
    (id: number) =>
    async (c: AdminCtx, notice: Notice, status: 200 | 403 | 422 = 200) => {
      const session = c.get("session");
      const article = await getArticle(sb.store.db, id, { publishedOnly: false });
      return renderPage(
        c,
        <AdminPage title={article.title} page={{ ...shared, session }} section={KNOWLEDGE_PAGE} notice={notice}>
          <KnowledgeArticleView article={article} html={renderMarkdown(article.body)} csrf={session.csrfToken} />
        </AdminPage>,
        status,
      );
    };

  app.get(KNOWLEDGE_PAGE, (c) => showList(c, noticeFromQuery(c)));
  app.get(`${KNOWLEDGE_PAGE}/:id`, (c) => showArticle(idParam(c))(c, noticeFromQuery(c)));

  app.post(KNOWLEDGE_PAGE, (c) =>
    attempt(
      c,
      showList,
      async () => {
        const article = await createArticle(sb, actor(c), await readArticle(c));
        return done(c, `${KNOWLEDGE_PAGE}/${article.id}`, "article-created");
      },
      { keepValues: true },
    ),
  );

  app.post(`${KNOWLEDGE_PAGE}/:id`, (c) => {
    const id = idParam(c);
    return attempt(c, showArticle(id), async () => {
      await updateArticle(sb, actor(c), id, await readArticle(c));
      return done(c, `${KNOWLEDGE_PAGE}/${id}`, "article-saved");
    });
  });

  app.post(`${KNOWLEDGE_PAGE}/:id/delete`, async (c) => {
    await deleteArticle(sb, actor(c), idParam(c));
    return done(c, KNOWLEDGE_PAGE, "article-deleted");
  });

  return app;
}
