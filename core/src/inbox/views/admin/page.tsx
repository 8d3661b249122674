/** @jsxImportSource hono/jsx */
/**
 * The admin shell: the inbox layout with the admin navigation on the left, and the page in
 * `<main class="admin">` under its title and notice.
 */
import type { Child } from "hono/jsx";
import type { PageContext } from "../../env.ts";
import { Layout } from "../layout.tsx";
import { type Notice, NoticeView } from "./notice.tsx";

const SECTIONS = [
  { path: "/admin/agents", label: "Agents" },
  { path: "/admin/teams", label: "Teams" },
  { path: "/admin/inboxes", label: "Inboxes" },
  { path: "/admin/canned-responses", label: "Canned responses" },
  { path: "/admin/knowledge", label: "Knowledge base" },
  { path: "/admin/labels", label: "Labels" },
  { path: "/admin/webhooks", label: "Webhook deliveries" },
] as const;

export type AdminSection = (typeof SECTIONS)[number]["path"];

export function AdminNav(props: { current: AdminSection }) {
  return (
    <nav class="views" aria-label="Administration">
      <h2>Admin</h2>
      {SECTIONS.map((s) => (
        <a href={s.path} aria-current={s.path === props.current ? "page" : undefined}>
          {s.label}
        </a>
      ))}
      <h2>Inbox</h2>
      <a href="/inbox">Back to conversations</a>
    </nav>
  );
}

export function AdminPage(props: { title: string; page: PageContext; section: AdminSection; notice?: Notice; children: Child }) {
  return (
    <Layout title={`${props.title} · Admin`} page={props.page} nav={<AdminNav current={props.section} />}>
      {/* Focusable, so a table wider than a phone can be scrolled by keyboard (axe scrollable-region-focusable). */}
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scroll area must be focusable to be scrolled by keyboard (WCAG 2.1.1). */}
      <main class="admin" id="main" tabIndex={0} aria-labelledby="admin-title">
        <h1 id="admin-title">{props.title}</h1>
        <NoticeView notice={props.notice ?? {}} />
        {props.children}
      </main>
    </Layout>
  );
}
