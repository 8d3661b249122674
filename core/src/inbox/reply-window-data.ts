/**
 * What the composer shows about each reply inbox's window (pipeline/reply-window.ts): its state,
 * the time left, and when only templates may go out, the inbox's templates with their variables
 * filled from the contact (the agent can change them before sending).
 */
import { describeError } from "../errors/index.ts";
import { fillFromContact, renderTemplateBody, replyWindowState, timeLeft } from "../pipeline/reply-window.ts";
import type { ReplyWindowState } from "../plugins/types.ts";
import type { Services } from "../services.ts";
import type { Contact } from "../store/contacts.ts";

/** A template as the composer's picker shows it: its variables with the values it proposes. */
export interface TemplateChoice {
  name: string;
  language: string;
  category: string | undefined;
  /** The body with the proposed values filled in. */
  preview: string;
  variables: { key: string; value: string; example: string | undefined }[];
}

/** The composer's view of one inbox's reply window. */
export interface ReplyWindowView {
  state: ReplyWindowState["state"];
  /** One line for the agent: "Reply window: 3 h 12 min left", "Only templates: the window closed". */
  summary: string;
  /** Set when templates may be sent now (state "templates"), else empty. */
  templates: TemplateChoice[];
  /** Why the templates could not be listed (the network did not answer), when that happened. */
  templatesError?: string;
}

/**
 * The window of `contact` on each reply inbox whose channel has one, for the composer.
 *
 * @example
 * const windows = await replyWindowsFor(sb, ["whatsapp"], contact); // Map { "whatsapp" => { state: "open", ... } }
 */
export async function replyWindowsFor(
  sb: Pick<Services, "store" | "clock" | "inboxes" | "log">,
  inboxNames: string[],
  contact: Contact,
): Promise<Map<string, ReplyWindowView>> {
  const views = new Map<string, ReplyWindowView>();
  const now = sb.clock.now();
  for (const name of inboxNames) {
    const inbox = sb.inboxes.get(name);
    const state = await replyWindowState(sb.store.db, inbox, contact.id, now);
    if (!inbox || !state) continue;
    const view: ReplyWindowView = { state: state.state, summary: summaryOf(state, now), templates: [] };
    if (state.state === "templates" && inbox.adapter?.replyWindow?.templates) {
      try {
        view.templates = (await inbox.adapter.replyWindow.templates()).map((t) => {
          const variables = t.variables.map((v) => ({ key: v.key, value: fillFromContact(contact, v.fill), example: v.example }));
          return { name: t.name, language: t.language, category: t.category, preview: renderTemplateBody(t, variables), variables };
        });
      } catch (error) {
        view.templatesError = `The templates could not be loaded: ${describeError(error).message}`;
        sb.log.warn({ inbox: name, error: describeError(error) }, "reply-window templates unavailable");
      }
    }
    views.set(name, view);
  }
  return views;
}

function summaryOf(state: ReplyWindowState, now: number): string {
  switch (state.state) {
    case "open":
      return `Reply window: ${timeLeft(state.closesAt, now)} left.`;
    case "tag":
      return `The reply window closed; replies go out with the ${state.label} tag${state.closesAt === null ? "" : ` for ${timeLeft(state.closesAt, now)} more`}.`;
    case "templates":
      return state.openedAt === null
        ? "The customer has not written here yet: only an approved template may be sent."
        : `The reply window closed: only an approved template may be sent${state.closesAt === null ? "" : ` for ${timeLeft(state.closesAt, now)} more`}.`;
    case "closed":
      return "The reply window closed: nothing can be sent here until the customer writes again.";
  }
}
