/**
 * What every inbox request carries once signed in: the session (agent, CSRF token) and the inboxes
 * the agent may see. Pages get the shared page context from here.
 */
import type { Viewer } from "../access/index.ts";
import type { Session } from "../auth/sessions.ts";
import type { InboxAssets } from "./assets.ts";
import type { LoadedTheme } from "./theme.ts";

export interface InboxEnv {
  Variables: {
    session: Session;
    /** The signed-in agent as the access rule sees them (core/src/access). */
    viewer: Viewer;
  };
}

/** What the layout needs on every page. */
export interface PageContext {
  assets: InboxAssets;
  theme: LoadedTheme;
  session: Session;
}
