/**
 * What every inbox request carries once signed in: the session (agent, CSRF token) and the inboxes
 * the agent may see. Pages get the shared page context from here.
 */
import type { Session } from "../auth/sessions.ts";
import type { InboxAssets } from "./assets.ts";
import type { LoadedTheme } from "./theme.ts";

export interface InboxEnv {
  Variables: {
    session: Session;
    /** Inbox names this agent may see. */
    visible: string[];
  };
}

/** What the layout needs on every page. */
export interface PageContext {
  assets: InboxAssets;
  theme: LoadedTheme;
  session: Session;
}
