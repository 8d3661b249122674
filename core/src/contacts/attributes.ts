/**
 * Custom attributes of contacts and conversations, defined in config ([attributes.contact.<key>],
 * [attributes.conversation.<key>]) with a type: text, number, date, list or checkbox. Values are
 * checked against their definition and stored by key in the row's `attributes`; an empty value
 * removes the key. Contact changes are audited; conversation changes also get a timeline entry.
 */
import { eq } from "drizzle-orm";
import type { AttributeDefinition, AttributesConfig } from "../config/identity.ts";
import type { Actor } from "../conversations/update.ts";
import { ErrorCodes, SwitchboardError } from "../errors/index.ts";
import type { Services } from "../services.ts";
import { type Contact, findContact } from "../store/contacts.ts";
import { type Conversation, findConversation } from "../store/conversations.ts";
import { auditLog, contacts, conversations, messages } from "../store/schema.ts";
import { actorRef } from "./merge.ts";

type Scope = keyof AttributesConfig;

const TRUE = ["true", "on", "1", "yes"];
const FALSE = ["false", "off", "0", "no"];

/**
 * A value checked and converted for its definition: undefined means "remove". Throws
 * SWB_ERR_VALIDATION with what is expected.
 *
 * @example
 * coerceAttribute("seats", { type: "number" }, "12") // 12
 * coerceAttribute("renewal", { type: "date" }, "2026-12-01") // "2026-12-01"
 */
export function coerceAttribute(key: string, def: AttributeDefinition, raw: unknown): string | number | boolean | undefined {
  const bad = (expected: string) =>
    new SwitchboardError(ErrorCodes.VALIDATION, `${def.label ?? key}: expected ${expected}, got ${JSON.stringify(raw)}.`);
  if (raw === null || raw === undefined || (typeof raw === "string" && raw.trim() === "" && def.type !== "checkbox")) return undefined;
  const text = typeof raw === "string" ? raw.trim() : raw;
  switch (def.type) {
    case "text":
      if (typeof text !== "string" || text.length > 1000) throw bad("text of at most 1000 characters");
      return text;
    case "number": {
      const n = typeof text === "number" ? text : typeof text === "string" ? Number(text) : NaN;
      if (!Number.isFinite(n)) throw bad("a number");
      return n;
    }
    case "date":
      if (typeof text !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(Date.parse(`${text}T00:00:00Z`)))
        throw bad('a date "YYYY-MM-DD"');
      return text;
    case "list":
      if (typeof text !== "string" || !def.options!.includes(text)) throw bad(`one of ${def.options!.map((o) => `"${o}"`).join(", ")}`);
      return text;
    case "checkbox":
      if (typeof text === "boolean") return text;
      if (typeof text === "string" && TRUE.includes(text.toLowerCase())) return true;
      if (typeof text === "string" && (text === "" || FALSE.includes(text.toLowerCase()))) return false;
      throw bad("true or false");
  }
}

/** `attributes` with `values` applied; returns the changed keys with their old and new values. */
function apply(
  scope: Scope,
  defs: Record<string, AttributeDefinition>,
  attributes: Record<string, unknown>,
  values: Record<string, unknown>,
) {
  const next = { ...attributes };
  const changes: { key: string; label: string; from: unknown; to: unknown }[] = [];
  for (const [key, raw] of Object.entries(values)) {
    const def = defs[key];
    if (!def)
      throw new SwitchboardError(
        ErrorCodes.VALIDATION,
        `There is no custom ${scope} attribute "${key}". Define it in config under [attributes.${scope}.${key}] (known: ${Object.keys(defs).join(", ") || "none"}).`,
      );
    const value = coerceAttribute(key, def, raw);
    if (value === next[key]) continue;
    changes.push({ key, label: def.label ?? key, from: next[key] ?? null, to: value ?? null });
    if (value === undefined) delete next[key];
    else next[key] = value;
  }
  return { next, changes };
}

/**
 * Sets custom attributes of a contact. Throws SWB_ERR_NOT_FOUND / SWB_ERR_VALIDATION.
 *
 * @example
 * await setContactAttributes(switchboard, agent, 7, { plan: "pro", vip: true });
 */
export async function setContactAttributes(
  sb: Pick<Services, "store" | "clock" | "loaded">,
  actor: Actor,
  id: number,
  values: Record<string, unknown>,
): Promise<Contact> {
  const now = sb.clock.now();
  return sb.store.write(async (tx) => {
    const contact = await findContact(tx, id);
    if (!contact) throw new SwitchboardError(ErrorCodes.NOT_FOUND, `Contact ${id} does not exist.`);
    const { next, changes } = apply("contact", sb.loaded.config.attributes.contact, contact.attributes, values);
    if (changes.length === 0) return contact;
    const [row] = await tx.update(contacts).set({ attributes: next, updatedAt: now }).where(eq(contacts.id, id)).returning();
    await tx.insert(auditLog).values({
      actor: actorRef(actor),
      action: "contact.attributes_changed",
      subjectType: "contact",
      subjectId: String(id),
      data: { keys: changes.map((c) => c.key) },
      createdAt: now,
    });
    return row!;
  });
}

/**
 * Sets custom attributes of a conversation, with a timeline entry per change. Throws
 * SWB_ERR_NOT_FOUND / SWB_ERR_VALIDATION.
 *
 * @example
 * await setConversationAttributes(switchboard, agent, 42, { order_id: "A-1009" });
 */
export async function setConversationAttributes(
  sb: Pick<Services, "store" | "clock" | "loaded">,
  actor: Actor,
  id: number,
  values: Record<string, unknown>,
): Promise<Conversation> {
  const now = sb.clock.now();
  return sb.store.write(async (tx) => {
    const conversation = await findConversation(tx, id);
    if (!conversation) throw new SwitchboardError(ErrorCodes.NOT_FOUND, `Conversation ${id} does not exist.`);
    const { next, changes } = apply("conversation", sb.loaded.config.attributes.conversation, conversation.attributes, values);
    if (changes.length === 0) return conversation;
    const [row] = await tx.update(conversations).set({ attributes: next, updatedAt: now }).where(eq(conversations.id, id)).returning();
    await tx.insert(messages).values(
      changes.map((c) => ({
        conversationId: id,
        contactId: conversation.contactId,
        inbox: conversation.inbox,
        channel: conversation.channel,
        direction: "activity" as const,
        authorAgentId: actor.id,
        text: c.to === null ? `${c.label} cleared by ${actor.name}` : `${c.label} set to ${String(c.to)} by ${actor.name}`,
        metadata: { activity: "attribute", key: c.key, from: c.from, to: c.to },
        deliveryStatus: "sent" as const,
        createdAt: now,
        updatedAt: now,
      })),
    );
    await tx.insert(auditLog).values({
      actor: actorRef(actor),
      action: "conversation.attributes_changed",
      subjectType: "conversation",
      subjectId: String(id),
      data: { keys: changes.map((c) => c.key) },
      createdAt: now,
    });
    return row!;
  });
}
