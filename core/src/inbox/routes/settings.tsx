/** @jsxImportSource hono/jsx */
/**
 * /inbox/settings: an agent's own settings. Saving the time zone, locale and availability after
 * sign-in, and changing their password (their other sessions end). A refused change re-renders the
 * page with the reason (422, or 403 for a wrong current password). Each change is audited.
 */
import { Hono } from "hono";
import { changeOwnPassword, passwordChangeSchema } from "../../auth/change-password.ts";
import { preferencesSchema, savePreferences } from "../../auth/preferences.ts";
import type { Services } from "../../services.ts";
import type { InboxEnv } from "../env.ts";
import { renderPage } from "../render.ts";
import { SettingsPage } from "../views/settings.tsx";
import { attempt, audit, done, noticeFromQuery, readAdminForm, type Shared, type ShowPage } from "./admin/support.ts";

const PAGE = "/inbox/settings";

export function settingsRoutes(sb: Services, shared: Shared): Hono<InboxEnv> {
  const app = new Hono<InboxEnv>();

  const show: ShowPage = (c, notice, status = 200) => {
    c.header("Cache-Control", "no-store");
    return renderPage(c, <SettingsPage page={{ ...shared, session: c.get("session") }} notice={notice} />, status);
  };

  app.get(PAGE, (c) => show(c, noticeFromQuery(c)));

  app.post(`${PAGE}/preferences`, (c) =>
    attempt(
      c,
      show,
      async () => {
        const prefs = await readAdminForm(c, preferencesSchema);
        const agent = c.get("session").agent;
        await savePreferences(sb.store, agent.id, prefs);
        await sb.store.write((tx) => audit(tx, agent, sb.clock.now(), "agent.preferences_changed", { type: "agent", id: agent.id }, prefs));
        return done(c, PAGE, "preferences-saved");
      },
      { keepValues: true },
    ),
  );

  app.post(`${PAGE}/password`, (c) =>
    attempt(c, show, async () => {
      const form = await readAdminForm(c, passwordChangeSchema);
      const session = c.get("session");
      await changeOwnPassword(sb.store, session.agent, session.id, form);
      await sb.store.write((tx) =>
        audit(tx, session.agent, sb.clock.now(), "agent.password_changed", { type: "agent", id: session.agent.id }),
      );
      return done(c, PAGE, "password-changed");
    }),
  );

  return app;
}
