/** @jsxImportSource hono/jsx */
/**
 * What agents do about a conversation's contact from the sidebar: accept or dismiss a merge
 * suggestion, undo a merge, resolve the conversation's whole case, merge another contact in by hand, and edit custom attributes of the
 * contact and of the conversation. Each is a CSRF-checked form POST (the inbox's guards): htmx gets
 * the fresh sidebar, a browser without JavaScript a redirect back to the conversation.
 */

import { and, eq } from "drizzle-orm";
import { type Context, Hono } from "hono";
import {
  canSeeContact,
  visibleCase,
  visibleContactsWhere,
  visibleConversation,
  visibleMerge,
  visibleSuggestion,
} from "../../access/index.ts";
import { refreshCase } from "../../cases/store.ts";
import type { AttributeDefinition } from "../../config/identity.ts";
import { setContactAttributes, setConversationAttributes } from "../../contacts/attributes.ts";
import { mergeContacts } from "../../contacts/merge.ts";
import { acceptSuggestion, dismissSuggestion } from "../../contacts/suggestions.ts";
import { undoMerge } from "../../contacts/unmerge.ts";
import { updateConversation } from "../../conversations/update.ts";
import { ErrorCodes, SwitchboardError } from "../../errors/index.ts";
import { parseId } from "../../http/ids.ts";
import type { Services } from "../../services.ts";
import { findContact, findContactByIdentity } from "../../store/contacts.ts";
import { contacts } from "../../store/schema.ts";
import { loadConversationPage } from "../conversation-data.ts";
import type { InboxEnv } from "../env.ts";
import { idParam } from "../id-param.ts";
import { renderFragment } from "../render.ts";
import { CSRF_FIELD } from "../views/csrf.tsx";
import { ContactSidebar } from "../views/sidebar.tsx";
import { answerWithPane } from "./pane.tsx";

type Ctx = Context<InboxEnv>;

/** The form's fields (first value of each), without the CSRF token. */
async function formFields(c: Ctx): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  return Object.fromEntries(Object.entries(body).filter(([key, value]) => key !== CSRF_FIELD && typeof value === "string")) as Record<
    string,
    string
  >;
}

/** Attribute values from a form: a checkbox left unticked is absent from the form, and means false. */
function attributeValues(fields: Record<string, string>, defs: Record<string, AttributeDefinition>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [key, def] of Object.entries(defs)) {
    if (def.type === "checkbox") values[key] = key in fields;
    else if (key in fields) values[key] = fields[key];
  }
  return values;
}

/**
 * The sidebar's contact actions, mounted behind the inbox's session and CSRF guards.
 *
 * @example
 * app.route("/", contactRoutes(switchboard));
 */
export function contactRoutes(sb: Services): Hono<InboxEnv> {
  const app = new Hono<InboxEnv>();

  /** After an action: the conversation's fresh sidebar (htmx) or a redirect back to it. */
  async function answer(c: Ctx, conversationId: number) {
    if (!c.req.header("HX-Request")) return c.redirect(`/inbox/conversations/${conversationId}`, 303);
    const { conversation, contact } = await visibleConversation(sb.store.db, c.get("viewer"), conversationId);
    const data = await loadConversationPage(sb, conversation, contact, c.get("viewer"));
    const slot = sb.registry.views.get("contact.sidebar") ?? [];
    return renderFragment(c, <ContactSidebar data={data} slot={slot} now={sb.clock.now()} csrf={c.get("session").csrfToken} />, 200, {
      "HX-Trigger": "timeline-refresh",
    });
  }

  /**
   * A sidebar action; `whole` ones (merges and their undo change the timeline and the channels a
   * reply can go out on) answer htmx with the whole pane instead of the sidebar.
   */
  const action = (path: string, run: (c: Ctx, conversation: { id: number; contactId: number }) => Promise<void>, whole = false) =>
    app.post(`/inbox/conversations/:id/${path}`, async (c) => {
      const { conversation } = await visibleConversation(sb.store.db, c.get("viewer"), idParam(c));
      await run(c, conversation);
      return whole && c.req.header("HX-Request") ? answerWithPane(sb, c, conversation.id) : answer(c, conversation.id);
    });

  /** A suggestion of this conversation's contact (else 404). */
  async function suggestionOf(c: Ctx, contactId: number) {
    const suggestion = await visibleSuggestion(sb.store.db, c.get("viewer"), idParam(c, "suggestion"));
    if (suggestion.contactId !== contactId && suggestion.otherContactId !== contactId)
      throw new SwitchboardError(ErrorCodes.NOT_FOUND, `Merge suggestion ${suggestion.id} is not about this contact.`);
    return suggestion;
  }

  action(
    "suggestions/:suggestion/accept",
    async (c, conversation) => {
      const suggestion = await suggestionOf(c, conversation.contactId);
      await acceptSuggestion(sb, c.get("session").agent, suggestion.id, { survivorId: conversation.contactId });
    },
    true,
  );
  action("suggestions/:suggestion/dismiss", async (c, conversation) => {
    const suggestion = await suggestionOf(c, conversation.contactId);
    await dismissSuggestion(sb, c.get("session").agent, suggestion.id);
  });
  action(
    "merges/:merge/undo",
    async (c, conversation) => {
      const mergeId = idParam(c, "merge");
      const merge = await visibleMerge(sb.store.db, c.get("viewer"), mergeId);
      if (merge.survivorId !== conversation.contactId)
        throw new SwitchboardError(ErrorCodes.NOT_FOUND, `There is no merge ${mergeId} into this contact.`);
      await undoMerge(sb, c.get("session").agent, mergeId);
    },
    true,
  );
  // Resolving one conversation offers the rest of its case: every conversation of it the agent may see.
  action(
    "case/resolve",
    async (c, conversation) => {
      const { conversation: current } = await visibleConversation(sb.store.db, c.get("viewer"), conversation.id);
      if (current.caseId === null) throw new SwitchboardError(ErrorCodes.VALIDATION, "This conversation is not part of a case.");
      const { conversations } = await visibleCase(sb.store.db, c.get("viewer"), current.caseId);
      for (const member of conversations.filter((k) => k.status !== "resolved"))
        await updateConversation(sb, c.get("session").agent, member.id, { status: "resolved" });
      await sb.store.write((tx) => refreshCase(tx, current.caseId!, sb.clock.now()));
    },
    true,
  );
  action(
    "merge-contact",
    async (c, conversation) => {
      const other = (await formFields(c)).other?.trim() ?? "";
      const viewer = c.get("viewer");
      const found = /^#?\d+$/.test(other)
        ? await findContact(sb.store.db, parseId(other.replace("#", "")) ?? 0)
        : ((await findContactByIdentity(sb.store.db, "email", other.toLowerCase())) ??
          (
            await sb.store.db
              .select()
              .from(contacts)
              .where(and(eq(contacts.email, other.toLowerCase()), visibleContactsWhere(viewer)))
              .limit(1)
          )[0]);
      // Another team's customer is "not found", exactly like one that does not exist.
      if (!found || !(await canSeeContact(sb.store.db, viewer, found.id)))
        throw new SwitchboardError(ErrorCodes.NOT_FOUND, `No contact you can see has the id or email "${other}".`);
      await mergeContacts(sb, c.get("session").agent, conversation.contactId, found.id);
    },
    true,
  );
  action("contact-attributes", async (c, conversation) => {
    const values = attributeValues(await formFields(c), sb.loaded.config.attributes.contact);
    await setContactAttributes(sb, c.get("session").agent, conversation.contactId, values);
  });
  action("attributes", async (c, conversation) => {
    const values = attributeValues(await formFields(c), sb.loaded.config.attributes.conversation);
    await setConversationAttributes(sb, c.get("session").agent, conversation.id, values);
  });

  return app;
}
