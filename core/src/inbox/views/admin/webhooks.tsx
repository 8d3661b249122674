/** @jsxImportSource hono/jsx */
/**
 * The webhook deliveries admin page: the delivery log newest first, filtered by status, each with
 * its attempts, last answer and error, and a Replay button for those that ended (delivered or failed).
 */
import type { WebhookDelivery, WebhookDeliveryStatus } from "../../../webhooks/deliveries.ts";
import { WEBHOOK_DELIVERY_STATUSES } from "../../../webhooks/deliveries.ts";
import { CsrfField } from "../csrf.tsx";

const when = (ms: number | null) => (ms === null ? "" : new Date(ms).toISOString().replace("T", " ").slice(0, 19) + " UTC");

/** One delivery as a table row; a replay through htmx swaps the row for its new state, with `note` saying what happened. */
export function DeliveryRow(props: { delivery: WebhookDelivery; csrf: string; note?: string }) {
  const d = props.delivery;
  const action = `/admin/webhooks/${d.id}/replay`;
  return (
    <tr id={`delivery-${d.id}`}>
      <th scope="row">#{d.id}</th>
      <td>{d.event}</td>
      <td>
        <code>{d.url}</code>
      </td>
      <td>
        <span class={`status status-${d.status}`}>{d.status}</span>
      </td>
      <td>{d.attempts}</td>
      <td>{d.responseStatus === null ? <span class="muted">none</span> : `HTTP ${d.responseStatus}`}</td>
      <td>{d.lastError ?? <span class="muted">none</span>}</td>
      <td>{when(d.createdAt)}</td>
      <td>
        {d.status === "pending" ? (
          <span class="muted">Sending</span>
        ) : (
          <form method="post" action={action} hx-post={action} hx-target="closest tr" hx-swap="outerHTML">
            <CsrfField token={props.csrf} />
            <button aria-label={`Replay delivery ${d.id}`}>Replay</button>
          </form>
        )}
        {props.note ? (
          <p class="muted" role="status">
            {props.note}
          </p>
        ) : null}
      </td>
    </tr>
  );
}

export function WebhookDeliveriesView(props: {
  deliveries: WebhookDelivery[];
  status?: WebhookDeliveryStatus;
  older?: number;
  csrf: string;
}) {
  const filter = (status?: WebhookDeliveryStatus) => (status ? `/admin/webhooks?status=${status}` : "/admin/webhooks");
  return (
    <>
      <nav aria-label="Filter by status" class="filters">
        <a href={filter()} aria-current={props.status ? undefined : "page"}>
          All
        </a>
        {WEBHOOK_DELIVERY_STATUSES.map((s) => (
          <a href={filter(s)} aria-current={props.status === s ? "page" : undefined}>
            {s}
          </a>
        ))}
      </nav>
      {props.deliveries.length === 0 ? (
        <p class="muted">No webhook deliveries{props.status ? ` ${props.status}` : ""}. Webhooks are set in [[webhooks]] in the config.</p>
      ) : (
        <table>
          <caption class="sr-only">Webhook deliveries</caption>
          <thead>
            <tr>
              <th scope="col">Delivery</th>
              <th scope="col">Event</th>
              <th scope="col">URL</th>
              <th scope="col">Status</th>
              <th scope="col">Attempts</th>
              <th scope="col">Last answer</th>
              <th scope="col">Last error</th>
              <th scope="col">Created</th>
              <th scope="col">Replay</th>
            </tr>
          </thead>
          <tbody>
            {props.deliveries.map((d) => (
              <DeliveryRow delivery={d} csrf={props.csrf} />
            ))}
          </tbody>
        </table>
      )}
      {props.older ? (
        <p>
          <a href={`${filter(props.status)}${props.status ? "&" : "?"}before=${props.older}`}>Older deliveries</a>
        </p>
      ) : null}
    </>
  );
}
