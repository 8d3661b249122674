/**
 * What an article may hold, checked the same way for the REST API and the admin pages: a title,
 * a Markdown body, tags (lower-case words), a locale (a BCP 47 tag such as "en" or "de-at") and a
 * status. Each message says what to write instead.
 */
import { z } from "zod";

export const ARTICLE_STATUSES = ["draft", "published"] as const;
export type ArticleStatus = (typeof ARTICLE_STATUSES)[number];

const tag = z
  .string()
  .trim()
  .toLowerCase()
  .min(1, { message: "a tag cannot be empty" })
  .max(40, { message: "use at most 40 characters per tag" })
  .regex(/^[\p{L}\p{N}][\p{L}\p{N}_-]*$/u, { message: "a tag is letters, digits, '-' and '_' (such as billing or how-to)" });

const fields = {
  title: z
    .string({ message: "give the article a title" })
    .trim()
    .min(1, { message: "give the article a title" })
    .max(200, { message: "use at most 200 characters in the title" }),
  body: z
    .string({ message: "write the article's body (Markdown)" })
    .trim()
    .min(1, { message: "write the article's body (Markdown)" })
    .max(50_000, { message: "use at most 50000 characters in the body" }),
  tags: z.array(tag, { message: 'give tags as a list such as ["billing"]' }).max(20, { message: "use at most 20 tags" }),
  locale: z
    .string({ message: 'use a language tag such as "en", "de" or "pt-br"' })
    .trim()
    .toLowerCase()
    .regex(/^[a-z]{2,3}(-[a-z0-9]{2,8})*$/, { message: 'use a language tag such as "en", "de" or "pt-br"' }),
  status: z.enum(ARTICLE_STATUSES, { message: 'use "draft" or "published"' }),
};

/** A new article: title and body are required; tags default to none, the locale to "en", the status to draft. */
export const articleFields = z
  .object({
    ...fields,
    tags: fields.tags.default([]),
    locale: fields.locale.default("en"),
    status: fields.status.default("draft"),
  })
  .strict();

/** A change to an article: any of its fields. */
export const articleChangeFields = z.object(fields).partial().strict();

export type ArticleInput = z.output<typeof articleFields>;
export type ArticleChange = z.output<typeof articleChangeFields>;

/**
 * Tags typed as one line ("billing, how-to refunds"): split on commas and spaces, duplicates dropped.
 *
 * @example
 * tagsFromLine("Billing, how-to  billing"); // ["billing", "how-to"]
 */
export function tagsFromLine(line: string): string[] {
  return [
    ...new Set(
      line
        .split(/[\s,]+/u)
        .map((t) => t.trim().toLowerCase())
        .filter((t) => t.length > 0),
    ),
  ];
}
