/** @jsxImportSource hono/jsx */
/**
 * /inbox/settings, the agent's own page: time zone and locale (how times are shown), the
 * availability after signing in, browser notifications and their sound (kept in this browser by
 * notify.js; permission is asked only from the button here), and changing their password.
 */
import type { Agent } from "../../auth/agents.ts";
import { DEFAULT_LOCALE, timeZoneNames } from "../../auth/preferences.ts";
import type { PageContext } from "../env.ts";
import { type Notice, NoticeView } from "./admin/notice.tsx";
import { CsrfField } from "./csrf.tsx";
import { Layout } from "./layout.tsx";

function SettingsNav() {
  return (
    <nav class="views" aria-label="Settings">
      <h2>Settings</h2>
      <a href="/inbox/settings" aria-current="page">
        Your settings
      </a>
      <h2>Inbox</h2>
      <a href="/inbox">Back to conversations</a>
    </nav>
  );
}

function Preferences(props: { agent: Agent; csrf: string; values: Record<string, string> }) {
  const zone = props.values.time_zone ?? props.agent.timeZone ?? "UTC";
  const availability = props.values.sign_in_availability ?? props.agent.signInAvailability;
  return (
    <form class="admin-form" method="post" action="/inbox/settings/preferences" aria-labelledby="prefs-title">
      <h2 id="prefs-title">Time and availability</h2>
      <CsrfField token={props.csrf} />
      <label for="time_zone">Time zone</label>
      <select id="time_zone" name="time_zone">
        {timeZoneNames().map((name) => (
          <option value={name} selected={name === zone}>
            {name}
          </option>
        ))}
      </select>
      <label for="locale">Locale (how dates are written, such as en-US, de-DE)</label>
      <input id="locale" name="locale" required maxlength={35} value={props.values.locale ?? props.agent.locale ?? DEFAULT_LOCALE} />
      <label for="sign_in_availability">Availability after signing in</label>
      <select id="sign_in_availability" name="sign_in_availability">
        {(["online", "away", "offline"] as const).map((a) => (
          <option value={a} selected={a === availability}>
            {a}
          </option>
        ))}
      </select>
      <button class="primary">Save settings</button>
    </form>
  );
}

function Notifications() {
  return (
    <section class="admin-form" aria-labelledby="notify-title" data-notify-settings>
      <h2 id="notify-title">Notifications</h2>
      <p class="muted">
        On a new assignment, a customer's reply in a conversation assigned to you, an SLA warning on yours, and an @mention. Kept in this
        browser.
      </p>
      <button type="button" data-notify-enable>
        Turn on browser notifications
      </button>
      <p data-notify-state class="muted" aria-live="polite"></p>
      <label>
        <input type="checkbox" data-notify-sound /> Play a sound
      </label>
    </section>
  );
}

function PasswordChange(props: { csrf: string }) {
  return (
    <form class="admin-form" method="post" action="/inbox/settings/password" aria-labelledby="password-title">
      <h2 id="password-title">Change your password</h2>
      <CsrfField token={props.csrf} />
      <label for="current">Current password</label>
      <input id="current" name="current" type="password" required autocomplete="current-password" />
      <label for="password">New password (at least 12 characters)</label>
      <input id="password" name="password" type="password" required minlength={12} autocomplete="new-password" />
      <label for="confirm">New password again</label>
      <input id="confirm" name="confirm" type="password" required minlength={12} autocomplete="new-password" />
      <button class="primary">Change password</button>
    </form>
  );
}

export function SettingsPage(props: { page: PageContext; notice: Notice }) {
  const { session } = props.page;
  return (
    <Layout title="Your settings" page={props.page} nav={<SettingsNav />}>
      <main class="admin" id="main" aria-labelledby="settings-title">
        <h1 id="settings-title">Your settings</h1>
        <NoticeView notice={props.notice} />
        <Preferences agent={session.agent} csrf={session.csrfToken} values={props.notice.values ?? {}} />
        <Notifications />
        <PasswordChange csrf={session.csrfToken} />
      </main>
    </Layout>
  );
}
