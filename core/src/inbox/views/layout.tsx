/** @jsxImportSource hono/jsx */
/**
 * The page shell: head (stylesheet, htmx, its SSE extension and the inbox script, all self-hosted),
 * the top bar with search and the agent's availability, the keyboard help dialog, and the live
 * connection (one SSE stream per page). Every htmx request carries the CSRF token as a header.
 */
import type { Child } from "hono/jsx";
import type { PageContext } from "../env.ts";
import { type ListQuery, listHref } from "../filters.ts";
import { AvailabilityForm } from "./availability.tsx";
import { CsrfField } from "./csrf.tsx";
import { ShortcutHelp } from "./help.tsx";

/** No eval, no inline scripts; 4xx answers are swapped (the server retargets them into #flash). */
const HTMX_CONFIG = JSON.stringify({
  includeIndicatorStyles: false,
  allowEval: false,
  allowScriptTags: false,
  historyCacheSize: 0,
  responseHandling: [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "4..", swap: true, error: true },
    { code: "...", swap: false, error: true },
  ],
});

export function Document(props: {
  title: string;
  page: Pick<PageContext, "assets" | "theme">;
  children: Child;
  bodyAttrs?: Record<string, string>;
}) {
  const { assets, theme } = props.page;
  return (
    <html lang="en" data-theme={theme.mode}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="htmx-config" content={HTMX_CONFIG} />
        <title>{props.title} · Switchboard</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href={assets.css} />
        <script src={assets.htmx} defer></script>
        <script src={assets.sse} defer></script>
        <script src={assets.script} defer></script>
      </head>
      <body {...(props.bodyAttrs ?? {})}>{props.children}</body>
    </html>
  );
}

/** The list's filters as hidden fields, so a search keeps the view, status, inbox, label, team and sort. */
function ListFilterFields(props: { query?: ListQuery }) {
  if (!props.query) return null;
  const params = new URLSearchParams(listHref(props.query).slice("/inbox?".length));
  return (
    <>
      {[...params].map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
    </>
  );
}

export function Layout(props: { title: string; page: PageContext; nav: Child; children: Child; query?: ListQuery }) {
  const { session, theme } = props.page;
  const agent = session.agent;
  const Brand = theme.slots.brand;
  return (
    <Document
      title={props.title}
      page={props.page}
      bodyAttrs={{ "hx-headers": JSON.stringify({ "X-CSRF-Token": session.csrfToken }), "hx-ext": "sse", "sse-connect": "/inbox/events" }}
    >
      <a class="skip" href="#main">
        Skip to the conversation
      </a>
      <div class="app">
        <header>
          <button type="button" class="phone-only" data-drawer-toggle aria-expanded="false">
            Menu
          </button>
          <span class="brand">{Brand ? Brand({}) : "Switchboard"}</span>
          <a class="phone-only back-to-list" href="/inbox">
            Conversations
          </a>
          <button type="button" class="phone-only" data-contact-toggle aria-expanded="false">
            Contact
          </button>
          {/* biome-ignore lint/a11y/useSemanticElements: a form with role="search" is the landmark every screen reader knows; <search> is too new to count on. */}
          <form class="search" role="search" action="/inbox" method="get">
            <label class="sr-only" for="q">
              Search messages and contacts
            </label>
            <input id="q" name="q" type="search" placeholder="Search messages and contacts ( / )" value={props.query?.q ?? ""} />
            <ListFilterFields query={props.query} />
          </form>
          <div class="me">
            <AvailabilityForm value={agent.availability} csrf={session.csrfToken} />
            <span>{agent.name}</span>
            <a href="/inbox/reports">Reports</a>
            <a href="/inbox/settings">Settings</a>
            {agent.role === "admin" ? <a href="/admin">Admin</a> : null}
            <button type="button" data-open-help aria-label="Keyboard shortcuts">
              ?
            </button>
            <form method="post" action="/logout">
              <CsrfField token={session.csrfToken} />
              <button>Log out</button>
            </form>
          </div>
        </header>
        {props.nav}
        {props.children}
      </div>
      <div id="flash" class="flash" role="alert" aria-live="assertive"></div>
      <div hidden sse-swap="notify" data-notify-sink></div>
      <ShortcutHelp />
    </Document>
  );
}
