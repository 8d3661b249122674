/**
 * Contact merges over REST: a contact's merge suggestions (with evidence), accepting or dismissing
 * one, merging two contacts by hand, listing and reading merges, and undoing one.
 */
import { z } from "@hono/zod-openapi";
import { desc, eq } from "drizzle-orm";
import { visibleContact, visibleMerge, visibleSuggestion } from "../../access/index.ts";
import { mergeContacts } from "../../contacts/merge.ts";
import type { MergeRecord } from "../../contacts/merge-record.ts";
import type { Suggestion } from "../../contacts/suggest.ts";
import { acceptSuggestion, dismissSuggestion, openSuggestionsFor } from "../../contacts/suggestions.ts";
import { type ContactMerge, undoMerge } from "../../contacts/unmerge.ts";
import type { Services } from "../../services.ts";
import { contactMerges } from "../../store/schema.ts";
import type { ApiApp } from "./app.ts";
import { jsonBody, routes } from "./route.ts";
import { ContactSchema, IdParams, json } from "./schemas.ts";
import { contactJson } from "./serialize.ts";

const millis = z.number().int();

const EvidenceSchema = z.object({
  reason: z.enum([
    "same_email",
    "same_phone",
    "same_name",
    "same_fact",
    "same_reference",
    "mentioned_email",
    "mentioned_phone",
    "same_name_active",
    "names_channel",
  ]),
  value: z.string(),
  detail: z.string(),
  weight: z.number().optional().openapi({ description: "How much it counts (0-1) for suggestions read from message text" }),
  at: millis,
});
const SuggestionSchema = z
  .object({
    id: z.number().int(),
    contact_ids: z.array(z.number().int()),
    status: z.enum(["open", "dismissed"]),
    evidence: z.array(EvidenceSchema),
    created_at: millis,
    updated_at: millis,
  })
  .openapi("MergeSuggestion");
const SuggestionWithContactSchema = SuggestionSchema.extend({ other_contact: ContactSchema }).openapi("MergeSuggestionWithContact");
const MergeSchema = z
  .object({
    id: z.number().int(),
    survivor_id: z.number().int(),
    merged_id: z.number().int(),
    suggestion_id: z.number().int().nullable(),
    actor: z.string(),
    moved: z.object({ identities: z.number().int(), conversations: z.number().int(), messages: z.number().int() }),
    created_at: millis,
    undone_at: millis.nullable(),
    undone_by: z.string().nullable(),
  })
  .openapi("ContactMerge");

const suggestionJson = (s: Suggestion) => ({
  id: s.id,
  contact_ids: [s.contactId, s.otherContactId],
  status: s.status,
  evidence: s.evidence,
  created_at: s.createdAt,
  updated_at: s.updatedAt,
});

function mergeJson(m: ContactMerge): z.infer<typeof MergeSchema> {
  const record = m.record as unknown as MergeRecord;
  return {
    id: m.id,
    survivor_id: m.survivorId,
    merged_id: m.mergedId,
    suggestion_id: record.suggestionId ?? null,
    actor: m.actor,
    moved: { identities: record.identityIds.length, conversations: record.conversationIds.length, messages: record.messageIds.length },
    created_at: m.createdAt,
    undone_at: m.undoneAt,
    undone_by: m.undoneBy,
  };
}

const route = routes("Contact merges");

const listSuggestions = route({
  method: "get",
  path: "/contacts/{id}/merge-suggestions",
  summary: "Open merge suggestions for a contact, with their evidence",
  request: { params: IdParams },
  responses: { 200: json(z.object({ data: z.array(SuggestionWithContactSchema) }), "The suggestions") },
  errors: [404],
});
const accept = route({
  method: "post",
  path: "/merge-suggestions/{id}/accept",
  summary: "Accept a suggestion: merge the two contacts (undoable)",
  request: {
    params: IdParams,
    body: jsonBody(
      z
        .object({
          survivor_id: z.number().int().positive().optional().openapi({ description: "Which contact stays (default: the older)" }),
        })
        .strict(),
    ),
  },
  responses: { 201: json(MergeSchema, "The merge") },
  errors: [404, 409, 422],
});
const dismiss = route({
  method: "post",
  path: "/merge-suggestions/{id}/dismiss",
  summary: "Dismiss a suggestion; the pair is not suggested again",
  request: { params: IdParams },
  responses: { 200: json(SuggestionSchema, "The dismissed suggestion") },
  errors: [404],
});
const merge = route({
  method: "post",
  path: "/contacts/{id}/merge",
  summary: "Merge another contact into this one (undoable)",
  request: {
    params: IdParams,
    body: jsonBody(
      z.object({ contact_id: z.number().int().positive().openapi({ description: "The contact merged into {id} and removed" }) }).strict(),
    ),
  },
  responses: { 201: json(MergeSchema, "The merge") },
  errors: [404, 422],
});
const listMerges = route({
  method: "get",
  path: "/contacts/{id}/merges",
  summary: "Merges into a contact, newest first",
  request: { params: IdParams },
  responses: { 200: json(z.object({ data: z.array(MergeSchema) }), "The merges") },
  errors: [404],
});
const getMerge = route({
  method: "get",
  path: "/contact-merges/{id}",
  summary: "One contact merge",
  request: { params: IdParams },
  responses: { 200: json(MergeSchema, "The merge") },
  errors: [404],
});
const undo = route({
  method: "post",
  path: "/contact-merges/{id}/undo",
  summary: "Undo a merge: split the contacts back exactly as they were",
  request: { params: IdParams },
  responses: { 200: json(MergeSchema, "The undone merge") },
  errors: [404, 409],
});

/**
 * Registers the contact merge routes.
 *
 * @example
 * registerContactMergeRoutes(v1, switchboard);
 */
export function registerContactMergeRoutes(app: ApiApp, sb: Services): void {
  const db = sb.store.db;

  app.openapi(listSuggestions, async (c) => {
    const { id } = c.req.valid("param");
    const viewer = c.get("viewer");
    await visibleContact(db, viewer, id);
    const open = await openSuggestionsFor(db, viewer, id);
    return c.json({ data: open.map((s) => ({ ...suggestionJson(s.suggestion), other_contact: contactJson(s.other) })) }, 200);
  });
  app.openapi(accept, async (c) => {
    const suggestion = await visibleSuggestion(db, c.get("viewer"), c.req.valid("param").id);
    const { mergeId } = await acceptSuggestion(sb, c.get("agent"), suggestion.id, { survivorId: c.req.valid("json").survivor_id });
    return c.json(mergeJson(await visibleMerge(db, c.get("viewer"), mergeId)), 201);
  });
  app.openapi(dismiss, async (c) => {
    const suggestion = await visibleSuggestion(db, c.get("viewer"), c.req.valid("param").id);
    return c.json(suggestionJson(await dismissSuggestion(sb, c.get("agent"), suggestion.id)), 200);
  });
  app.openapi(merge, async (c) => {
    const viewer = c.get("viewer");
    const survivor = await visibleContact(db, viewer, c.req.valid("param").id);
    const merged = await visibleContact(db, viewer, c.req.valid("json").contact_id);
    const { mergeId } = await mergeContacts(sb, c.get("agent"), survivor.id, merged.id);
    return c.json(mergeJson(await visibleMerge(db, viewer, mergeId)), 201);
  });
  app.openapi(listMerges, async (c) => {
    const { id } = c.req.valid("param");
    await visibleContact(db, c.get("viewer"), id);
    const rows = await db.select().from(contactMerges).where(eq(contactMerges.survivorId, id)).orderBy(desc(contactMerges.id)).limit(100);
    return c.json({ data: rows.map(mergeJson) }, 200);
  });
  app.openapi(getMerge, async (c) => c.json(mergeJson(await visibleMerge(db, c.get("viewer"), c.req.valid("param").id)), 200));
  app.openapi(undo, async (c) => {
    const merge = await visibleMerge(db, c.get("viewer"), c.req.valid("param").id);
    await undoMerge(sb, c.get("agent"), merge.id);
    return c.json(mergeJson(await visibleMerge(db, c.get("viewer"), merge.id)), 200);
  });
}
