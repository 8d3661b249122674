/**
 * The agent inbox, a sub-app Switchboard mounts at `/`: public assets, sign-in and the one-click
 * verification link (its token is its credential), then, behind a session and CSRF checks, the
 * pages, actions, live events, attachments and admin pages. Rendered on the server with Hono JSX;
 * htmx and SSE make it live; no build step.
 */
import { Hono } from "hono";
import { compress } from "hono/compress";
import type { Services } from "../services.ts";
import { buildInboxAssets } from "./assets.ts";
import type { InboxEnv } from "./env.ts";
import { inboxErrorHandler } from "./errors.ts";
import { requireSession, securityHeaders, verifyCsrf } from "./middleware.ts";
import { actionRoutes } from "./routes/actions.tsx";
import { adminRoutes } from "./routes/admin/index.ts";
import { assistRoutes } from "./routes/assist.tsx";
import { attachmentRoutes } from "./routes/attachments.ts";
import { authRoutes } from "./routes/auth.tsx";
import { bulkRoutes } from "./routes/bulk.ts";
import { contactRoutes } from "./routes/contacts.tsx";
import { draftRoutes } from "./routes/drafts.ts";
import { eventRoutes } from "./routes/events.ts";
import { messageHtmlRoutes } from "./routes/message-html.ts";
import { messageOriginalRoutes } from "./routes/message-original.ts";
import { moveRoutes } from "./routes/moves.tsx";
import { pageRoutes } from "./routes/pages.tsx";
import { presenceRoutes } from "./routes/presence.ts";
import { reportRoutes } from "./routes/reports.tsx";
import { settingsRoutes } from "./routes/settings.tsx";
import { verifyLinkRoutes } from "./routes/verify-link.tsx";
import { loadTheme } from "./theme.ts";

/** The path prefixes that need a signed-in agent. */
const GUARDED = ["/", "/inbox", "/inbox/*", "/admin", "/admin/*"];

/**
 * The inbox as a sub-app, to mount at `/`. Throws a ConfigError when the configured theme cannot
 * be loaded. Its live streams close when Switchboard stops.
 *
 * @example
 * app.route("/", await createInbox(services));
 */
export async function createInbox(sb: Services): Promise<Hono<InboxEnv>> {
  const theme = await loadTheme(sb.loaded);
  const assets = buildInboxAssets(theme);
  const shared = { assets, theme };
  const app = new Hono<InboxEnv>();
  app.onError(inboxErrorHandler(sb.log));
  for (const path of [...GUARDED, "/login", "/logout"]) app.use(path, securityHeaders(), compress({ contentTypeFilter: /^text\/html/ }));
  app.route("/", assets.app);
  app.route("/", authRoutes(sb, shared));
  app.use("/verify/*", securityHeaders());
  app.route("/", verifyLinkRoutes(sb, shared));
  for (const path of GUARDED) app.use(path, requireSession(sb), verifyCsrf());
  const events = eventRoutes(sb);
  app.route("/", events.app);
  app.route("/", pageRoutes(sb, shared));
  app.route("/", actionRoutes(sb));
  app.route("/", moveRoutes(sb, shared));
  app.route("/", assistRoutes(sb));
  app.route("/", contactRoutes(sb));
  app.route("/", attachmentRoutes(sb));
  app.route("/", messageHtmlRoutes(sb));
  app.route("/", messageOriginalRoutes(sb));
  app.route("/", adminRoutes(sb, shared));
  app.route("/", settingsRoutes(sb, shared));
  app.route("/", draftRoutes(sb));
  app.route("/", bulkRoutes(sb));
  app.route("/", presenceRoutes(sb));
  app.route("/", reportRoutes(sb, shared));
  sb.onStop(events.closeAll);
  return app;
}
