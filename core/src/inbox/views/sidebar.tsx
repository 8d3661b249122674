/** @jsxImportSource hono/jsx */
/**
 * The contact sidebar: profile, channel identities, custom attributes, facts from enrichment plugins
 * (through the "contact.sidebar" view slot, or as a plain list), and the contact's other conversations.
 */
import type { ConversationPageData } from "../conversation-data.ts";
import { relativeTime } from "./time.ts";

export type SidebarSlot = { plugin: string; component: (props: Record<string, unknown>) => unknown }[];

function Facts(props: { facts: Record<string, unknown> }) {
  return (
    <dl>
      {Object.entries(props.facts).map(([key, value]) => (
        <>
          <dt>{key}</dt>
          <dd>{typeof value === "object" ? JSON.stringify(value) : String(value)}</dd>
        </>
      ))}
    </dl>
  );
}

export function ContactSidebar(props: { data: ConversationPageData; slot: SidebarSlot; now: number }) {
  const { contact, identities, otherConversations } = props.data;
  const { enrichment, ...attributes } = contact.attributes as { enrichment?: Record<string, Record<string, unknown>> } & Record<string, unknown>;
  return (
    <aside class="sidebar" aria-label="Contact">
      <h2>{contact.name ?? `Contact #${contact.id}`}</h2>
      <dl>
        {contact.email ? <><dt>Email</dt><dd>{contact.email}</dd></> : null}
        {contact.phone ? <><dt>Phone</dt><dd>{contact.phone}</dd></> : null}
      </dl>
      <h2>Channels</h2>
      <ul>
        {identities.map((i) => (
          <li>
            <span class="chan">{i.channel}</span> {i.externalId} {i.verified ? <span class="badge" title={`Verified (${i.source ?? "channel"})`}>verified</span> : null}
          </li>
        ))}
      </ul>
      {Object.keys(attributes).length ? <><h2>Attributes</h2><Facts facts={attributes} /></> : null}
      {props.slot.length
        ? props.slot.map((view) => <section aria-label={`From ${view.plugin}`}>{view.component({ contact, identities }) as never}</section>)
        : enrichment
          ? Object.entries(enrichment).map(([plugin, facts]) => <><h2>{plugin}</h2><Facts facts={facts} /></>)
          : null}
      <h2>Other conversations</h2>
      {otherConversations.length === 0 ? (
        <p class="muted">None.</p>
      ) : (
        <ul>
          {otherConversations.map((c) => (
            <li>
              <a href={`/inbox/conversations/${c.id}`}>#{c.id}</a> <span class="chan">{c.channel}</span> {c.status} · {relativeTime(c.lastActivityAt, props.now)}
            </li>
          ))}
        </ul>
      )}
    </aside>
  );
}
