/**
 * The access matrix: every HTTP route Switchboard serves, with the part of the access rule it falls
 * under and how to call it on one team's objects. matrix.test.ts calls each one as an admin, as an
 * agent of each team and signed out, and checks the answer against the rule. A route that is not
 * listed here fails that test: a new route has to say who may call it.
 *
 * Kinds:
 * - `team`: about one team's object (conversation, contact, message, merge...). Its team's agents
 *   and admins may call it; another team's agent gets 404, exactly as for an id that does not exist.
 * - `admin-team`: about one team's object, and only admins may do it: the other team gets 404, the
 *   team's own agent 403.
 * - `list`: a list, search or report every agent may read, showing only what they may see.
 * - `agent`: about the agent themself or shared settings (agents, custom attribute definitions).
 * - `admin`: admin pages and settings: agents get 403.
 * - `stream`: a live event stream; checked by its own test in matrix.test.ts.
 * - `public`: reachable without an agent (sign-in, assets, health, docs, channel webhooks with
 *   their own signatures); `why` says what protects it.
 */
import type { AdminSeed, TeamSeed } from "./seed.ts";

export type RouteKind = "team" | "admin-team" | "list" | "agent" | "admin" | "stream" | "public";

export interface MatrixEntry {
  kind: RouteKind;
  /** Path parameters for one team's objects (team kinds) or the admin's spare objects. */
  params?: (team: TeamSeed, admin: AdminSeed) => Record<string, number | string>;
  /** A JSON body (API routes) or form fields (inbox routes). */
  body?: (team: TeamSeed) => Record<string, unknown>;
  query?: string;
  /** For `list`: the answer of a team's own agent must show that team's marker. */
  showsOwn?: boolean;
  /** For `public`: what protects the route. */
  why?: string;
}

const conversation = (t: TeamSeed) => ({ id: t.conversationId });
const contact = (t: TeamSeed) => ({ id: t.contactId });

/** Every route, by "METHOD path" as Hono's route table spells it. */
export const MATRIX: Record<string, MatrixEntry> = {
  // Health, docs and sign-in
  "GET /healthz": { kind: "public", why: "liveness and this process's cluster role (node and lease names), no customer data" },
  "GET /metrics": { kind: "public", why: "counters only, no customer data (bind it to a private network)" },
  "GET /api/openapi.json": { kind: "public", why: "the API's description" },
  "GET /api/docs": { kind: "public", why: "the API's description" },
  "GET /assets/:file": { kind: "public", why: "the inbox's CSS and scripts" },
  "GET /login": { kind: "public", why: "the sign-in page" },
  "POST /login": { kind: "public", why: "sign-in: password, throttling and a login CSRF token" },
  "POST /logout": { kind: "public", why: "ends the caller's own session; CSRF-checked" },
  "GET /verify/:token": {
    kind: "public",
    why: "a confirmation page only; the single-use token (hashed at rest, 15 minutes) is the credential",
  },
  "POST /verify/:token": { kind: "public", why: "redeems a single-use verification token (hashed at rest, 15 minutes); same-origin only" },

  // REST API: conversations and messages
  "GET /api/v1/conversations": { kind: "list", showsOwn: true },
  "GET /api/v1/conversations/:id": { kind: "team", params: conversation },
  "PATCH /api/v1/conversations/:id": { kind: "team", params: conversation, body: () => ({ priority: "high" }) },
  "GET /api/v1/conversations/:id/messages": { kind: "team", params: conversation },
  "POST /api/v1/conversations/:id/messages": { kind: "team", params: conversation, body: () => ({ text: "An answer" }) },
  "POST /api/v1/messages/:id/retry": { kind: "team", params: (t) => ({ id: t.outgoingMessageId }) },
  "PATCH /api/v1/conversations/:id/custom-attributes": { kind: "team", params: conversation, body: () => ({ values: { order: "A-1" } }) },
  "GET /api/v1/conversations/:id/sla": { kind: "team", params: conversation },
  "POST /api/v1/conversations/:id/merge": {
    kind: "team",
    params: (t) => ({ id: t.otherConversationId }),
    body: (t) => ({ into: t.conversationId }),
  },
  "POST /api/v1/conversations/:id/split": {
    kind: "team",
    params: (t) => ({ id: t.split.conversationId }),
    body: (t) => ({ message_ids: [t.split.messageId] }),
  },
  "GET /api/v1/conversation-moves/:id": { kind: "team", params: (t) => ({ id: t.conversationMoveId }) },
  "POST /api/v1/conversation-moves/:id/undo": { kind: "team", params: (t) => ({ id: t.conversationMoveId }) },
  "POST /api/v1/conversations/:id/verify-email": { kind: "team", params: (t) => ({ id: t.conversationId }) },
  "POST /api/v1/conversations/:id/verify-phone": { kind: "team", params: (t) => ({ id: t.conversationId }) },
  "GET /api/v1/cases/:id": { kind: "team", params: (t) => ({ id: t.caseId }) },
  "POST /api/v1/cases/:id/resolve": { kind: "team", params: (t) => ({ id: t.caseId }) },
  "POST /api/v1/conversations/:id/scheduled-messages": {
    kind: "team",
    params: conversation,
    body: () => ({ text: "Later", send_at: Date.now() + 86_400_000 }),
  },
  "GET /api/v1/conversations/:id/scheduled-messages": { kind: "team", params: conversation },
  "DELETE /api/v1/scheduled-messages/:id": { kind: "team", params: (t) => ({ id: t.scheduledMessageId }) },

  // REST API: contacts, merges and privacy
  "GET /api/v1/contacts": { kind: "list", showsOwn: true },
  "GET /api/v1/contacts/:id": { kind: "team", params: contact },
  "PATCH /api/v1/contacts/:id": { kind: "team", params: contact, body: () => ({ name: "Renamed" }) },
  "PATCH /api/v1/contacts/:id/custom-attributes": { kind: "team", params: contact, body: () => ({ values: { plan: "gold" } }) },
  "GET /api/v1/contacts/:id/timeline": { kind: "team", params: contact },
  "GET /api/v1/contacts/:id/merge-suggestions": { kind: "team", params: contact },
  "POST /api/v1/merge-suggestions/:id/accept": { kind: "team", params: (t) => ({ id: t.suggestions.accept }), body: () => ({}) },
  "POST /api/v1/merge-suggestions/:id/dismiss": { kind: "team", params: (t) => ({ id: t.suggestions.dismiss }) },
  "POST /api/v1/contacts/:id/merge": { kind: "team", params: contact, body: (t) => ({ contact_id: t.mergeableContactIds.rest }) },
  "GET /api/v1/contacts/:id/merges": { kind: "team", params: contact },
  "GET /api/v1/contact-merges/:id": { kind: "team", params: (t) => ({ id: t.merges.rest }) },
  "POST /api/v1/contact-merges/:id/undo": { kind: "team", params: (t) => ({ id: t.merges.rest }) },
  "GET /api/v1/contacts/:id/export": { kind: "admin-team", params: contact },
  "DELETE /api/v1/contacts/:id": { kind: "admin-team", params: (t) => ({ id: t.erasableContactId }) },

  // REST API: search, reports, inboxes, agents, events
  "GET /api/v1/search": { kind: "list", query: "q=order", showsOwn: true },
  "GET /api/v1/reports/sla": { kind: "list" },
  "GET /api/v1/reports/dashboard": { kind: "list" },
  "GET /api/v1/reports/conversations": { kind: "list", query: "metric=case" },
  "GET /api/v1/reports/export": { kind: "list", query: "table=conversations" },
  "POST /api/v1/reports/reviews/:id": { kind: "admin", params: (t) => ({ id: t.caseId }), body: () => ({ answer: "yes" }) },
  "GET /api/v1/inboxes": { kind: "list" },
  "GET /api/v1/custom-attributes": { kind: "agent" },
  "GET /api/v1/agents": { kind: "agent" },
  "GET /api/v1/agents/me": { kind: "agent" },
  "PATCH /api/v1/agents/me": { kind: "agent", body: () => ({ availability: "online" }) },
  "GET /api/v1/agents/:id/routing": { kind: "agent", params: (_t, a) => ({ id: a.agentId }) },
  "PUT /api/v1/agents/:id/routing": {
    kind: "admin",
    params: (_t, a) => ({ id: a.agentId }),
    body: () => ({ skills: ["billing"], capacity: 3 }),
  },
  "GET /api/v1/events": { kind: "stream" },
  "GET /api/v1/webhook-deliveries": { kind: "admin" },
  "GET /api/v1/webhook-deliveries/:id": { kind: "admin", params: (_t, a) => ({ id: a.webhookDeliveryId }) },
  "POST /api/v1/webhook-deliveries/:id/replay": { kind: "admin", params: (_t, a) => ({ id: a.webhookDeliveryId }) },

  // The inbox
  "GET /": { kind: "list" },
  "GET /api/v1/knowledge/articles": { kind: "list" },
  "POST /api/v1/knowledge/articles": { kind: "admin", body: () => ({ title: "Opening hours", body: "9 to 5", status: "published" }) },
  "GET /api/v1/knowledge/articles/:id": { kind: "agent", params: (_t, a) => ({ id: a.articleId }) },
  "PATCH /api/v1/knowledge/articles/:id": { kind: "admin", params: (_t, a) => ({ id: a.articleId }), body: () => ({ tags: ["billing"] }) },
  "DELETE /api/v1/knowledge/articles/:id": { kind: "admin", params: (_t, a) => ({ id: a.deletableArticleIds.rest }) },
  "GET /api/v1/knowledge/search": { kind: "list", query: "q=refund" },
  "GET /inbox": { kind: "list", query: "view=all", showsOwn: true },
  // Reports (core/src/inbox/routes/reports.tsx): over the inboxes the agent may see; admins answer the review
  "GET /inbox/reports": { kind: "list" },
  "GET /inbox/reports/conversations": { kind: "list", query: "metric=case" },
  "GET /inbox/reports/export.csv": { kind: "list", query: "table=conversations" },
  "GET /inbox/reports/review": { kind: "admin" },
  "POST /inbox/reports/review/:id": { kind: "admin", params: (t) => ({ id: t.caseId }), body: () => ({ answer: "yes" }) },
  "GET /inbox/list": { kind: "list", query: "view=all", showsOwn: true },
  "GET /inbox/events": { kind: "stream" },
  "GET /inbox/conversations/:id": { kind: "team", params: conversation },
  "GET /inbox/conversations/:id/head": { kind: "team", params: conversation },
  "GET /inbox/conversations/:id/timeline": { kind: "team", params: conversation },
  "POST /inbox/conversations/:id/actions/assign": { kind: "team", params: conversation, body: () => ({ assignee: "" }) },
  "POST /inbox/conversations/:id/actions/status": { kind: "team", params: conversation, body: () => ({ status: "pending" }) },
  "POST /inbox/conversations/:id/actions/priority": { kind: "team", params: conversation, body: () => ({ priority: "high" }) },
  "POST /inbox/conversations/:id/actions/labels": { kind: "team", params: conversation, body: () => ({}) },
  "POST /inbox/conversations/:id/actions/verify-email": { kind: "team", params: conversation, body: () => ({}) },
  "POST /inbox/conversations/:id/actions/verify-phone": { kind: "team", params: conversation, body: () => ({}) },
  "POST /inbox/conversations/:id/actions/merge": {
    kind: "team",
    params: (t) => ({ id: t.otherConversationId }),
    body: (t) => ({ into: t.conversationId }),
  },
  "GET /inbox/conversations/:id/split": { kind: "team", params: (t) => ({ id: t.split.conversationId }) },
  "POST /inbox/conversations/:id/actions/split": {
    kind: "team",
    params: (t) => ({ id: t.split.conversationId }),
    body: (t) => ({ message_id: t.split.messageId }),
  },
  "POST /inbox/conversation-moves/:id/undo": { kind: "team", params: (t) => ({ id: t.conversationMoveId }) },
  "POST /inbox/conversations/:id/messages": { kind: "team", params: conversation, body: () => ({ text: "An answer" }) },
  "POST /inbox/conversations/:id/typing": { kind: "team", params: conversation },
  // The assistant bar (core/src/inbox/routes/assist.tsx): about one conversation, for whoever may see it.
  "GET /inbox/conversations/:id/assist/suggestions": { kind: "team", params: conversation },
  "POST /inbox/conversations/:id/assist/draft": { kind: "team", params: conversation },
  "POST /inbox/conversations/:id/assist/summarize": { kind: "team", params: conversation },
  "POST /inbox/conversations/:id/assist/translate": { kind: "team", params: conversation },
  "POST /inbox/conversations/:id/assist/translate-reply": { kind: "team", params: conversation, body: () => ({ text: "Thanks!" }) },
  "POST /inbox/conversations/:id/assist/rewrite": { kind: "team", params: conversation, body: () => ({ text: "Thanks!" }) },
  "POST /inbox/messages/:id/retry": { kind: "team", params: (t) => ({ id: t.outgoingMessageId }) },
  "POST /inbox/conversations/:id/suggestions/:suggestion/accept": {
    kind: "team",
    params: (t) => ({ id: t.conversationId, suggestion: t.suggestions.acceptInInbox }),
  },
  "POST /inbox/conversations/:id/suggestions/:suggestion/dismiss": {
    kind: "team",
    params: (t) => ({ id: t.conversationId, suggestion: t.suggestions.dismissInInbox }),
  },
  "POST /inbox/conversations/:id/merges/:merge/undo": { kind: "team", params: (t) => ({ id: t.conversationId, merge: t.merges.inbox }) },
  "POST /inbox/conversations/:id/case/resolve": { kind: "team", params: (t) => ({ id: t.caseId }) },
  "POST /inbox/conversations/:id/merge-contact": {
    kind: "team",
    params: conversation,
    body: (t) => ({ other: String(t.mergeableContactIds.inbox) }),
  },
  "POST /inbox/conversations/:id/contact-attributes": { kind: "team", params: conversation, body: () => ({ plan: "gold" }) },
  "POST /inbox/conversations/:id/attributes": { kind: "team", params: conversation, body: () => ({ order: "A-2" }) },
  "GET /inbox/attachments/:id": { kind: "team", params: (t) => ({ id: t.attachmentId }) },
  "GET /inbox/messages/:id/html": { kind: "team", params: (t) => ({ id: t.incomingMessageId }) },
  "GET /inbox/messages/:id/original": { kind: "admin-team", params: (t) => ({ id: t.incomingMessageId }) },
  "POST /inbox/me/availability": { kind: "agent", body: () => ({ availability: "online" }) },

  // Admin pages
  "GET /admin": { kind: "admin" },
  "GET /admin/agents": { kind: "admin" },
  "POST /admin/agents": { kind: "admin", body: () => ({ name: "New Agent", email: "new.agent@example.com", role: "agent" }) },
  "POST /admin/agents/:id/role": { kind: "admin", params: (_t, a) => ({ id: a.agentId }), body: () => ({ role: "agent" }) },
  "POST /admin/agents/:id/password": { kind: "admin", params: (_t, a) => ({ id: a.agentId }) },
  "POST /inbox/conversations/:id/viewing": { kind: "team", params: conversation },
  "POST /inbox/bulk": { kind: "team", body: (t) => ({ op: "priority", ids: t.conversationId, priority: "high" }) },
  "POST /inbox/conversations/:id/draft": { kind: "team", params: conversation, body: () => ({ text: "A draft" }) },
  "GET /inbox/settings": { kind: "agent" },
  "POST /inbox/settings/preferences": {
    kind: "agent",
    body: () => ({ time_zone: "Europe/Berlin", locale: "de-DE", sign_in_availability: "online" }),
  },
  "POST /inbox/settings/password": {
    kind: "agent",
    body: () => ({ current: "correct-horse-battery", password: "correct-horse-battery", confirm: "correct-horse-battery" }),
  },
  "POST /admin/agents/:id/deactivate": { kind: "admin", params: (_t, a) => ({ id: a.agentId }) },
  "POST /admin/agents/:id/reactivate": { kind: "admin", params: (_t, a) => ({ id: a.agentId }) },
  "POST /admin/agents/:id/sign-in-availability": {
    kind: "admin",
    params: (_t, a) => ({ id: a.agentId }),
    body: () => ({ availability: "away" }),
  },
  "POST /admin/agents/:id/delete": { kind: "admin", params: (_t, a) => ({ id: a.agentId }) },
  "GET /admin/teams": { kind: "admin" },
  "POST /admin/teams": { kind: "admin", body: () => ({ name: "Another team" }) },
  "GET /admin/teams/:id": { kind: "admin", params: (_t, a) => ({ id: a.teamId }) },
  "POST /admin/teams/:id/rename": { kind: "admin", params: (_t, a) => ({ id: a.teamId }), body: () => ({ name: "Renamed team" }) },
  "POST /admin/teams/:id/members": { kind: "admin", params: (_t, a) => ({ id: a.teamId }), body: (_t) => ({ agent: "1" }) },
  "POST /admin/teams/:id/members/:agentId/delete": { kind: "admin", params: (_t, a) => ({ id: a.teamId, agentId: 1 }) },
  "POST /admin/teams/:id/inboxes": { kind: "admin", params: (_t, a) => ({ id: a.teamId }), body: () => ({ inbox: "test" }) },
  "POST /admin/teams/:id/delete": { kind: "admin", params: (_t, a) => ({ id: a.teamId }) },
  "GET /admin/inboxes": { kind: "admin" },
  "GET /admin/inboxes/:name/panel/events": { kind: "stream" },
  "GET /admin/webhooks": { kind: "admin" },
  "POST /admin/webhooks/:id/replay": { kind: "admin", params: (_t, a) => ({ id: a.webhookDeliveryId }) },
  "GET /admin/canned-responses": { kind: "admin" },
  "POST /admin/canned-responses": { kind: "admin", body: () => ({ shortcut: "thanks", text: "Thank you!" }) },
  "POST /admin/canned-responses/:id": {
    kind: "admin",
    params: (_t, a) => ({ id: a.cannedId }),
    body: () => ({ shortcut: "spare", text: "Changed" }),
  },
  "POST /admin/canned-responses/:id/delete": { kind: "admin", params: (_t, a) => ({ id: a.cannedId }) },
  "GET /admin/labels": { kind: "admin" },
  "POST /admin/labels": { kind: "admin", body: () => ({ name: "vip" }) },
  "POST /admin/labels/:id": { kind: "admin", params: (_t, a) => ({ id: a.labelId }), body: () => ({ name: "renamed" }) },
  "POST /admin/labels/:id/delete": { kind: "admin", params: (_t, a) => ({ id: a.labelId }) },
  "GET /admin/knowledge": { kind: "admin" },
  "POST /admin/knowledge": {
    kind: "admin",
    body: () => ({ title: "Hours", body: "9 to 5", tags: "hours", locale: "en", status: "draft" }),
  },
  "GET /admin/knowledge/:id": { kind: "admin", params: (_t, a) => ({ id: a.articleId }) },
  "POST /admin/knowledge/:id": {
    kind: "admin",
    params: (_t, a) => ({ id: a.articleId }),
    body: () => ({ title: "Refunds", body: "We refund within 30 days.", tags: "billing", locale: "en", status: "published" }),
  },
  "POST /admin/knowledge/:id/delete": { kind: "admin", params: (_t, a) => ({ id: a.deletableArticleIds.page }) },
};
