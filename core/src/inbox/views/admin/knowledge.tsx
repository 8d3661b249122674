/** @jsxImportSource hono/jsx */
/**
 * The knowledge-base admin pages: the list of articles (title, status, locale, tags) with a form to
 * write one, and one article's page with its rendered body (sanitised HTML), its edit form and
 * its delete button.
 */
import { raw } from "hono/html";
import type { Article } from "../../../knowledge/index.ts";
import { CsrfField } from "../csrf.tsx";
import type { Notice } from "./notice.tsx";

export const KNOWLEDGE_PAGE = "/admin/knowledge";

function ArticleFields(props: { idPrefix: string; values: { title: string; body: string; tags: string; locale: string; status: string } }) {
  const { idPrefix, values } = props;
  return (
    <>
      <label for={`${idPrefix}-title`}>Title</label>
      <input id={`${idPrefix}-title`} name="title" required maxlength={200} value={values.title} />
      <label for={`${idPrefix}-body`}>Body (Markdown)</label>
      <textarea id={`${idPrefix}-body`} name="body" required maxlength={50000} rows={12}>
        {values.body}
      </textarea>
      <label for={`${idPrefix}-tags`}>Tags</label>
      <input id={`${idPrefix}-tags`} name="tags" value={values.tags} aria-describedby="tags-hint" />
      <label for={`${idPrefix}-locale`}>Language</label>
      <input id={`${idPrefix}-locale`} name="locale" required maxlength={35} value={values.locale} aria-describedby="locale-hint" />
      <label for={`${idPrefix}-status`}>Status</label>
      <select id={`${idPrefix}-status`} name="status">
        <option value="draft" selected={values.status !== "published"}>
          Draft (admins only)
        </option>
        <option value="published" selected={values.status === "published"}>
          Published (agents, the FAQ bot and assistants use it)
        </option>
      </select>
    </>
  );
}

function Hints() {
  return (
    <>
      <p id="tags-hint" class="muted">
        Tags: words separated by commas or spaces, such as <code>billing, refunds</code>.
      </p>
      <p id="locale-hint" class="muted">
        Language: a tag such as <code>en</code>, <code>de</code> or <code>pt-br</code>.
      </p>
    </>
  );
}

export function KnowledgeListView(props: { articles: Article[]; csrf: string; notice: Notice }) {
  const v = props.notice.values ?? {};
  return (
    <>
      <Hints />
      {props.articles.length === 0 ? (
        <p class="muted">No articles yet.</p>
      ) : (
        <table>
          <caption class="sr-only">Knowledge-base articles</caption>
          <thead>
            <tr>
              <th scope="col">Title</th>
              <th scope="col">Status</th>
              <th scope="col">Language</th>
              <th scope="col">Tags</th>
            </tr>
          </thead>
          <tbody>
            {props.articles.map((a) => (
              <tr>
                <th scope="row">
                  <a href={`${KNOWLEDGE_PAGE}/${a.id}`}>{a.title}</a>
                </th>
                <td>{a.status === "published" ? "Published" : "Draft"}</td>
                <td>{a.locale}</td>
                <td>{a.tags.join(", ")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Write an article</h2>
      <form class="admin-form" method="post" action={KNOWLEDGE_PAGE}>
        <CsrfField token={props.csrf} />
        <ArticleFields
          idPrefix="new-article"
          values={{ title: v.title ?? "", body: v.body ?? "", tags: v.tags ?? "", locale: v.locale ?? "en", status: v.status ?? "draft" }}
        />
        <button>Save article</button>
      </form>
    </>
  );
}

export function KnowledgeArticleView(props: { article: Article; html: string; csrf: string }) {
  const a = props.article;
  return (
    <>
      <p class="muted">
        {a.status === "published" ? "Published" : "Draft"} · {a.locale}
        {a.tags.length > 0 ? ` · ${a.tags.join(", ")}` : ""}
      </p>
      <section class="article-body" aria-label="How the article reads">
        {raw(props.html)}
      </section>
      <h2>Edit</h2>
      <Hints />
      <form class="admin-form" method="post" action={`${KNOWLEDGE_PAGE}/${a.id}`}>
        <CsrfField token={props.csrf} />
        <ArticleFields
          idPrefix={`article-${a.id}`}
          values={{ title: a.title, body: a.body, tags: a.tags.join(", "), locale: a.locale, status: a.status }}
        />
        <button>Save</button>
      </form>
      <form method="post" action={`${KNOWLEDGE_PAGE}/${a.id}/delete`}>
        <CsrfField token={props.csrf} />
        <button class="danger">Delete this article</button>
      </form>
      <p>
        <a href={KNOWLEDGE_PAGE}>All articles</a>
      </p>
    </>
  );
}
