/**
 * The reply window, one rule for every channel that declares one (`ChannelAdapter.replyWindow`):
 * where a contact's window stands on an inbox (measured from their last message there), whether a
 * reply may go out now (free text, a tagged message or a template), and a template's text with its
 * variables filled from the contact. The composer, the outbound check, the delivery worker and the
 * automations all ask here.
 */
import { and, desc, eq } from "drizzle-orm";
import { valueAtPath } from "../contacts/read-values.ts";
import { ErrorCodes, SwitchboardError } from "../errors/index.ts";
import type { ReplyTemplate, ReplyWindow, ReplyWindowState, TemplateFill, TemplateSend } from "../plugins/types.ts";
import type { Contact } from "../store/contacts.ts";
import type { Queryable } from "../store/index.ts";
import { messages } from "../store/schema.ts";
import type { InboxHandle } from "./inboxes.ts";

/**
 * Where the window stands at `now`, given the customer's last message (`openedAt`, null if none).
 *
 * @example
 * windowAt({ openForMs: 86_400_000, after: [{ allow: "templates" }] }, lastAt, now); // { state: "templates", ... }
 */
export function windowAt(window: ReplyWindow, openedAt: number | null, now: number): ReplyWindowState {
  let start = openedAt === null ? null : openedAt + window.openForMs;
  if (start !== null && now < start) return { openedAt, state: "open", closesAt: start };
  for (const stage of window.after ?? []) {
    const end = stage.forMs === undefined ? null : start === null ? start : start + stage.forMs;
    // A window that never opened has no tag time: a tag only extends a conversation the customer started.
    if (stage.allow === "tag" && (start === null || (end !== null && now >= end))) {
      start = end;
      continue;
    }
    if (stage.allow === "templates" && end !== null && now >= end) {
      start = end;
      continue;
    }
    if (stage.allow === "tag") return { openedAt, state: "tag", tag: stage.tag, label: stage.label ?? stage.tag, closesAt: end };
    return { openedAt, state: "templates", closesAt: end };
  }
  return { openedAt, state: "closed" };
}

/**
 * The window of `contactId` on `inbox` now, or undefined when the inbox's channel has none. It opens
 * when the customer's last message there arrived.
 *
 * @example
 * const state = await replyWindowState(store.db, inboxes.get("whatsapp"), contact.id, clock.now());
 */
export async function replyWindowState(
  db: Queryable,
  inbox: Pick<InboxHandle, "name" | "adapter"> | undefined,
  contactId: number,
  now: number,
): Promise<ReplyWindowState | undefined> {
  const window = inbox?.adapter?.replyWindow;
  if (!inbox || !window) return undefined;
  // Counted from when it arrived: a channel's own send time (sentAt) may come from another clock.
  const [last] = await db
    .select({ at: messages.createdAt })
    .from(messages)
    .where(and(eq(messages.contactId, contactId), eq(messages.inbox, inbox.name), eq(messages.direction, "incoming")))
    .orderBy(desc(messages.createdAt))
    .limit(1);
  return windowAt(window, last?.at ?? null, now);
}

/** "3 h 12 min", "45 min", "less than a minute": how long until `at`. */
export function timeLeft(at: number, now: number): string {
  const minutes = Math.floor((at - now) / 60_000);
  if (minutes < 1) return "less than a minute";
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  if (days > 0) return `${days} d ${hours} h`;
  return hours > 0 ? `${hours} h ${minutes % 60} min` : `${minutes} min`;
}

/**
 * Why nothing but `state` allows may be sent now, for agents: the message of the 4xx, the delivery
 * error and the composer. Undefined when a message of that kind may go out.
 *
 * @example
 * const why = refusal(state, "whatsapp", { template: false }); // "The reply window on whatsapp closed …"
 */
export function refusal(state: ReplyWindowState | undefined, inbox: string, send: { template: boolean }): string | undefined {
  if (!state || state.state === "open" || state.state === "tag") return undefined;
  const since = state.openedAt === null ? "The customer has not written on" : "The reply window closed on";
  if (state.state === "templates")
    return send.template
      ? undefined
      : `${since} ${inbox}${state.openedAt === null ? " yet" : ""}: only an approved template may be sent. Pick one in the composer's template list.`;
  return `${since} ${inbox}${state.openedAt === null ? " yet" : ""}, and nothing more may be sent there until they write again. Reply on another channel the contact has.`;
}

/**
 * Throws SWB_ERR_REPLY_WINDOW_CLOSED (a 422) when the window forbids this send.
 *
 * @example
 * assertReplyAllowed(await replyWindowState(db, inbox, contactId, now), inbox.name, { template: false });
 */
export function assertReplyAllowed(state: ReplyWindowState | undefined, inbox: string, send: { template: boolean }): void {
  const why = refusal(state, inbox, send);
  if (why) throw new SwitchboardError(ErrorCodes.REPLY_WINDOW_CLOSED, why, { inbox, window: state?.state });
}

/**
 * A contact's value for a template variable (`fill`), or "" when the contact has none.
 *
 * @example
 * fillFromContact(contact, "first_name"); // "Ada"
 */
export function fillFromContact(contact: Pick<Contact, "name" | "email" | "phone" | "attributes">, fill: TemplateFill | undefined): string {
  if (fill === "name") return contact.name ?? "";
  if (fill === "first_name") return contact.name?.trim().split(/\s+/)[0] ?? "";
  if (fill === "email") return contact.email ?? "";
  if (fill === "phone") return contact.phone ?? "";
  if (fill?.startsWith("attributes.")) {
    const value = valueAtPath(contact.attributes as Record<string, unknown>, fill.slice("attributes.".length));
    return value === undefined || value === null || typeof value === "object" ? "" : String(value);
  }
  return "";
}

/** The template's body with each `{{key}}` replaced by its value. */
export function renderTemplateBody(template: Pick<ReplyTemplate, "body">, variables: TemplateSend["variables"]): string {
  const values = new Map(variables.map((v) => [v.key, v.value]));
  return template.body.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (whole, key: string) => values.get(key) ?? whole);
}

/**
 * A template send: the template `name`/`language` offered by the inbox, with each variable's value
 * from `given` (by key), else filled from the contact. Throws SWB_ERR_VALIDATION when the inbox
 * offers no such template or a variable stays empty.
 *
 * @example
 * const { send, text } = await prepareTemplate(inbox, contact, { name: "order_update", language: "en_US" }, { "2": "#1234" });
 */
export async function prepareTemplate(
  inbox: Pick<InboxHandle, "name" | "adapter">,
  contact: Pick<Contact, "name" | "email" | "phone" | "attributes">,
  wanted: { name: string; language?: string },
  given: Record<string, string> = {},
): Promise<{ send: TemplateSend; text: string }> {
  const window = inbox.adapter?.replyWindow;
  if (!window?.templates)
    throw new SwitchboardError(ErrorCodes.VALIDATION, `The inbox "${inbox.name}" offers no templates. Send a normal reply.`);
  const offered = await window.templates();
  const template =
    offered.find((t) => t.name === wanted.name && (wanted.language === undefined || t.language === wanted.language)) ?? undefined;
  if (!template)
    throw new SwitchboardError(
      ErrorCodes.VALIDATION,
      `The inbox "${inbox.name}" has no approved template "${wanted.name}"${wanted.language ? ` in ${wanted.language}` : ""}. Pick one of: ${
        offered.map((t) => `${t.name} (${t.language})`).join(", ") || "(none)"
      }.`,
    );
  const variables = template.variables.map((v) => ({ key: v.key, value: (given[v.key] ?? fillFromContact(contact, v.fill)).trim() }));
  const empty = variables.filter((v) => v.value === "").map((v) => `{{${v.key}}}`);
  if (empty.length)
    throw new SwitchboardError(
      ErrorCodes.VALIDATION,
      `The template "${template.name}" needs a value for ${empty.join(", ")}: fill ${empty.length > 1 ? "them" : "it"} in.`,
    );
  return {
    send: { name: template.name, language: template.language, variables },
    text: renderTemplateBody(template, variables),
  };
}
