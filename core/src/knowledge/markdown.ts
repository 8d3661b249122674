/**
 * An article's Markdown as safe HTML for the inbox (marked, then core's sanitizeHtml: no scripts,
 * no event handlers, remote images blocked until clicked), and as plain text for channels that
 * carry text only (FAQ answers, reply suggestions).
 */
import { marked, type Token, type Tokens } from "marked";
import { sanitizeHtml } from "../text/sanitize-html.ts";

/**
 * Markdown as HTML that is safe to put in a page.
 *
 * @example
 * renderMarkdown("**Refunds** within 14 days <script>alert(1)</script>"); // "<p><strong>Refunds</strong> within 14 days </p>\n"
 */
export function renderMarkdown(markdown: string): string {
  const html = marked.parse(markdown, { async: false, gfm: true });
  return sanitizeHtml(html).html;
}

function inline(tokens: Token[] | undefined): string {
  return (tokens ?? [])
    .map((token) => {
      if (token.type === "link") {
        const link = token as Tokens.Link;
        const label = inline(link.tokens);
        return label === link.href ? label : `${label} (${link.href})`;
      }
      if ("tokens" in token && Array.isArray(token.tokens)) return inline(token.tokens);
      if (token.type === "br") return "\n";
      if (token.type === "html") return "";
      return "text" in token && typeof token.text === "string" ? token.text : "";
    })
    .join("");
}

function block(token: Token): string {
  switch (token.type) {
    case "heading":
    case "paragraph":
      return inline((token as Tokens.Paragraph).tokens);
    case "list":
      return (token as Tokens.List).items
        .map((item, i) => `${(token as Tokens.List).ordered ? `${i + 1}.` : "-"} ${item.tokens.map(block).join(" ").trim()}`)
        .join("\n");
    case "text":
      return "tokens" in token && Array.isArray(token.tokens) ? inline(token.tokens) : (token as Tokens.Text).text;
    case "code":
      return (token as Tokens.Code).text;
    case "blockquote":
      return (token as Tokens.Blockquote).tokens.map(block).join("\n");
    case "table": {
      const table = token as Tokens.Table;
      return [table.header, ...table.rows].map((row) => row.map((cell) => inline(cell.tokens)).join(" | ")).join("\n");
    }
    default:
      return "";
  }
}

/**
 * Markdown as plain text: formatting marks dropped, links as "label (url)", list items on their own lines.
 *
 * @example
 * markdownToText("# Refunds\n\nSee [the form](https://x.example/r)."); // "Refunds\n\nSee the form (https://x.example/r)."
 */
export function markdownToText(markdown: string): string {
  const text = marked
    .lexer(markdown, { gfm: true })
    .map(block)
    .filter((part) => part.trim().length > 0)
    .join("\n\n");
  return text.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'" })[e] ?? "");
}
