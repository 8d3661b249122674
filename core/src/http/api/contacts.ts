/**
 * /contacts: search and list (full-text over name, email and phone), one contact with its identities
 * and conversations, and PATCH for name, email, phone and attributes (merged key by key).
 */
import { z } from "@hono/zod-openapi";
import { and, desc, eq, inArray, lt, type SQL, sql } from "drizzle-orm";
import { visibleContact, visibleContactsWhere } from "../../access/index.ts";
import { freeJson } from "../../json/free-form.ts";
import { inboundMessageSchema } from "../../pipeline/normalise.ts";
import type { Services } from "../../services.ts";
import { type Contact, identitiesOf } from "../../store/contacts.ts";
import { decodeCursor, page } from "../../store/cursor.ts";
import { ftsQuery } from "../../store/fts.ts";
import type { Queryable } from "../../store/index.ts";
import { auditLog, contacts, conversations } from "../../store/schema.ts";
import type { ApiApp } from "./app.ts";
import { jsonBody, routes } from "./route.ts";
import { ContactDetailSchema, ContactSchema, IdParams, json, PageQuery, pageOf } from "./schemas.ts";
import { contactJson, conversationJson, identityJson } from "./serialize.ts";

const route = routes("Contacts");
const { email, phone } = inboundMessageSchema.shape.contact.shape;

const PatchBody = z
  .object({
    name: z.string().trim().min(1).max(256).nullable().optional(),
    email: email.unwrap().nullable().optional(),
    phone: phone.unwrap().nullable().optional(),
    attributes: freeJson().optional().openapi({
      description: "Merged into the contact's attributes; a key set to null is removed. At most 32 levels deep and 16 KiB as JSON",
    }),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: "send at least one of name, email, phone, attributes" })
  .openapi("ContactPatch");

const list = route({
  method: "get",
  path: "/contacts",
  summary: "List contacts, newest first, or search them",
  request: {
    query: PageQuery.extend({
      q: z.string().max(256).optional().openapi({ description: "Words to find in name, email or phone (prefix match)" }),
    }),
  },
  responses: { 200: json(pageOf(ContactSchema), "A page of contacts") },
  errors: [422],
});

const get = route({
  method: "get",
  path: "/contacts/{id}",
  summary: "Get a contact with identities and (up to 100 latest) conversations",
  request: { params: IdParams },
  responses: { 200: json(ContactDetailSchema, "The contact") },
  errors: [404, 422],
});

const patch = route({
  method: "patch",
  path: "/contacts/{id}",
  summary: "Change a contact's name, email, phone or attributes",
  request: { params: IdParams, body: jsonBody(PatchBody) },
  responses: { 200: json(ContactDetailSchema, "The updated contact") },
  errors: [404, 422],
});

async function detail(db: Queryable, contact: Contact, visible: string[]): Promise<z.infer<typeof ContactDetailSchema>> {
  const identities = await identitiesOf(db, contact.id);
  const recent = await db
    .select()
    .from(conversations)
    .where(and(eq(conversations.contactId, contact.id), inArray(conversations.inbox, visible)))
    .orderBy(desc(conversations.lastActivityAt), desc(conversations.id))
    .limit(100);
  return { ...contactJson(contact), identities: identities.map(identityJson), conversations: recent.map(conversationJson) };
}

/** Merges `patch` into `attributes`; null removes a key. */
function mergeAttributes(attributes: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const merged = { ...attributes };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}

/**
 * Registers GET /contacts, GET and PATCH /contacts/{id}.
 *
 * @example
 * registerContactRoutes(v1, switchboard);
 */
export function registerContactRoutes(app: ApiApp, sb: Services): void {
  const { store } = sb;

  app.openapi(list, async (c) => {
    const q = c.req.valid("query");
    const where: (SQL | undefined)[] = [visibleContactsWhere(c.get("viewer"))];
    const match = q.q === undefined ? undefined : ftsQuery(q.q);
    if (match) where.push(sql`${contacts.id} IN (SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH ${match})`);
    if (q.cursor) where.push(lt(contacts.id, decodeCursor(q.cursor, 1)[0]!));
    const fetched = await store.db
      .select()
      .from(contacts)
      .where(and(...where))
      .orderBy(desc(contacts.id))
      .limit(q.limit + 1);
    const { rows, next } = page(fetched, q.limit, (r) => [r.id]);
    return c.json({ data: rows.map(contactJson), next_cursor: next }, 200);
  });

  app.openapi(get, async (c) => {
    const { id } = c.req.valid("param");
    const contact = await visibleContact(store.db, c.get("viewer"), id);
    return c.json(await detail(store.db, contact, c.get("viewer").inboxes), 200);
  });

  app.openapi(patch, async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const now = sb.clock.now();
    const agent = c.get("agent");
    const updated = await store.write(async (tx) => {
      const current = await visibleContact(tx, c.get("viewer"), id);
      const set: Partial<Contact> = { updatedAt: now };
      if (body.name !== undefined) set.name = body.name;
      if (body.email !== undefined) set.email = body.email;
      if (body.phone !== undefined) set.phone = body.phone;
      if (body.attributes !== undefined) set.attributes = mergeAttributes(current.attributes, body.attributes);
      const [row] = await tx.update(contacts).set(set).where(eq(contacts.id, id)).returning();
      await tx.insert(auditLog).values({
        actor: `agent:${agent.id}`,
        action: "contact.updated",
        subjectType: "contact",
        subjectId: String(id),
        data: { fields: Object.keys(body) },
        createdAt: now,
      });
      return row!;
    });
    return c.json(await detail(store.db, updated, c.get("viewer").inboxes), 200);
  });
}
