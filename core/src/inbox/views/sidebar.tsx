/** @jsxImportSource hono/jsx */
/**
 * The contact sidebar: other channels the contact reached out on recently, profile (with the
 * alternative names, emails and phones kept from conflicting sources), channel identities, merge
 * suggestions and merges (with undo), custom attributes of the contact and of the conversation
 * (editable), other attributes, what plugins show through the "contact.sidebar" view slot, the facts
 * of enrichment plugins that show none themselves, and the contact's other conversations.
 */
import { RESERVED_ATTRIBUTE_KEYS } from "../../config/identity.ts";
import type { ConversationPageData } from "../conversation-data.ts";
import { AttributeForm } from "./attribute-form.tsx";
import { CaseLines, ElsewhereLines, Merges, Suggestions } from "./contact-panel.tsx";
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

/** A profile line with the kept value and, muted, the alternatives seen elsewhere. */
function ProfileLine(props: { label: string; value: string | null; alternatives: unknown[] | undefined }) {
  if (!props.value && !props.alternatives?.length) return null;
  return (
    <>
      <dt>{props.label}</dt>
      <dd>
        {props.value ?? "—"}
        {props.alternatives?.length ? (
          <span class="muted" title="Seen from other sources; not overwritten">
            {" "}
            (also {props.alternatives.map(String).join(", ")})
          </span>
        ) : null}
      </dd>
    </>
  );
}

export function ContactSidebar(props: { data: ConversationPageData; slot: SidebarSlot; now: number; csrf: string }) {
  const { contact, identities, otherConversations, conversation, panel } = props.data;
  const {
    enrichment,
    alternatives = {},
    handles = {},
  } = contact.attributes as {
    enrichment?: Record<string, Record<string, unknown>>;
    alternatives?: Record<string, unknown[]>;
    handles?: Record<string, unknown>;
  };
  const hidden = new Set<string>([...RESERVED_ATTRIBUTE_KEYS, ...Object.keys(panel.attributes.contact)]);
  const attributes = Object.fromEntries(Object.entries(contact.attributes).filter(([key]) => !hidden.has(key)));
  const base = `/inbox/conversations/${conversation.id}`;
  return (
    <aside class="sidebar" id="contact-sidebar" aria-label="Contact">
      <ElsewhereLines panel={panel} now={props.now} />
      <CaseLines panel={panel} base={base} csrf={props.csrf} />
      <h2>{contact.name ?? `Contact #${contact.id}`}</h2>
      <dl>
        {alternatives.name?.length ? (
          <>
            <dt>Also known as</dt>
            <dd title="Seen from other sources; not overwritten">{alternatives.name.map(String).join(", ")}</dd>
          </>
        ) : null}
        <ProfileLine label="Email" value={contact.email} alternatives={alternatives.email} />
        <ProfileLine label="Phone" value={contact.phone} alternatives={alternatives.phone} />
      </dl>
      <h2>Channels</h2>
      <ul>
        {identities.map((i) => (
          <li>
            <span class="chan">{i.channel}</span> {i.externalId}{" "}
            {typeof handles[`${i.channel}:${i.externalId}`] === "string" ? (
              <span class="handle">{String(handles[`${i.channel}:${i.externalId}`])}</span>
            ) : null}{" "}
            {i.scope ? (
              <span class="muted" title="This id means this customer only in that inbox">
                in {i.scope}
              </span>
            ) : null}{" "}
            {i.verified ? (
              <span class="badge" title={`Verified (${i.source ?? "channel"})`}>
                verified
              </span>
            ) : null}
          </li>
        ))}
      </ul>
      <Suggestions panel={panel} base={base} csrf={props.csrf} />
      <AttributeForm
        title="Contact"
        action={`${base}/contact-attributes`}
        defs={panel.attributes.contact}
        values={contact.attributes}
        csrf={props.csrf}
      />
      <AttributeForm
        title="Conversation"
        action={`${base}/attributes`}
        defs={panel.attributes.conversation}
        values={conversation.attributes}
        csrf={props.csrf}
      />
      {Object.keys(attributes).length ? (
        <>
          <h2>Attributes</h2>
          <Facts facts={attributes} />
        </>
      ) : null}
      {props.slot.map((view) => (
        <section aria-label={`From ${view.plugin}`}>{view.component({ contact, identities }) as never}</section>
      ))}
      {enrichment
        ? Object.entries(enrichment)
            .filter(([plugin]) => !props.slot.some((view) => view.plugin === plugin))
            .map(([plugin, facts]) => (
              <>
                <h2>{plugin}</h2>
                <Facts facts={facts} />
              </>
            ))
        : null}
      <Merges panel={panel} base={base} csrf={props.csrf} now={props.now} />
      <h2>Other conversations</h2>
      {otherConversations.length === 0 ? (
        <p class="muted">None.</p>
      ) : (
        <ul>
          {otherConversations.map((c) => (
            <li>
              <a href={`/inbox/conversations/${c.id}`}>#{c.id}</a> <span class="chan">{c.channel}</span> {c.status} ·{" "}
              {relativeTime(c.lastActivityAt, props.now)}
            </li>
          ))}
        </ul>
      )}
    </aside>
  );
}
