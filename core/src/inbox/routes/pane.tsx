/** @jsxImportSource hono/jsx */
/**
 * The whole conversation pane as an htmx answer that replaces #main, whatever form asked: after an
 * action that changes what the pane is built from (a contact merge or its undo brings messages and
 * channels in or takes them out; a conversation merge moves the agent to the target), the timeline,
 * the "Send on" list and the sidebar are rendered fresh instead of patched.
 */
import type { Context } from "hono";
import { visibleConversation } from "../../access/index.ts";
import type { Session } from "../../auth/sessions.ts";
import type { Services } from "../../services.ts";
import { type ConversationPageData, loadConversationPage } from "../conversation-data.ts";
import type { InboxEnv } from "../env.ts";
import { renderFragment } from "../render.ts";
import { ConversationPane } from "../views/conversation.tsx";

/**
 * Answers with conversation `id`'s pane, retargeted at #main; `pushUrl` also moves the address bar.
 *
 * @example
 * if (c.req.header("HX-Request")) return answerWithPane(sb, c, conversation.id);
 */
export async function answerWithPane(sb: Services, c: Context<InboxEnv>, id: number, options: { pushUrl?: boolean } = {}) {
  const session = c.get("session");
  const viewer = c.get("viewer");
  const { conversation, contact } = await visibleConversation(sb.store.db, viewer, id);
  const data = await loadConversationPage(sb, conversation, contact, viewer);
  const headers: Record<string, string> = { "HX-Retarget": "#main", "HX-Reswap": "outerHTML" };
  if (options.pushUrl) headers["HX-Push-Url"] = `/inbox/conversations/${conversation.id}`;
  return renderFragment(c, paneOf(sb, session, data), 200, headers);
}

/** The pane for loaded data, as the page and the htmx answers render it. */
export function paneOf(sb: Services, session: Session, data: ConversationPageData) {
  return (
    <ConversationPane
      data={data}
      csrf={session.csrfToken}
      selfId={session.agent.id}
      slot={sb.registry.views.get("contact.sidebar") ?? []}
      now={sb.clock.now()}
      assist={{
        suggest: sb.assistants.offers("suggestions") || sb.assistants.offers("suggest"),
        draft: sb.assistants.offers("draft"),
        summarize: sb.assistants.offers("summarize"),
        translate: sb.assistants.offers("translate"),
        rewrite: sb.assistants.offers("rewrite"),
      }}
    />
  );
}
