/** @jsxImportSource hono/jsx */
/**
 * The inboxes admin page, read-only (inboxes live in the config file): each inbox with its channel,
 * plugin, state, error, a live health check and the teams it is given to; then the status panels
 * of the channels that have one (a pairing code, the connected account), redrawn live; then every
 * plugin with its state. With several processes (`[cluster]`), it names this process and marks the
 * inboxes another process runs ("standby"). Options (tokens, secrets) are never passed here, so
 * they cannot be shown.
 */
import { raw } from "hono/html";
import type { ClusterStatus } from "../../../cluster/index.ts";
import type { ChannelHealth } from "../../../plugins/types.ts";

export interface InboxRow {
  name: string;
  displayName: string;
  channel: string;
  plugin: string;
  state: "ready" | "running" | "standby" | "failed" | "unavailable";
  error?: string;
  health: ChannelHealth;
  teams: string[];
  /** The channel's status panel, rendered (see `ChannelAdapter.statusPanel`), when it has one. */
  panel?: string;
}

export interface PluginRow {
  alias: string;
  name: string;
  version: string;
  state: "started" | "failed" | "disabled";
  error?: { code: string; message: string };
}

const stateClass = (good: boolean) => (good ? "ok" : "error-text");

export function InboxesView(props: { inboxes: InboxRow[]; plugins: PluginRow[]; cluster?: ClusterStatus }) {
  return (
    <>
      <p class="muted">
        Inboxes are set in the config file (<code>[inboxes.&lt;name&gt;]</code>); change them there and restart. The health check runs when
        this page opens.
      </p>
      {props.cluster?.mode === "redis" ? (
        <p class="muted">
          This page comes from the process <code>{props.cluster.node}</code>, one of several sharing the work through Redis (
          {props.cluster.redis === "connected" ? "connected" : "Redis does not answer"}). An inbox on standby is run by another process;
          this one takes it over if that process goes.
        </p>
      ) : null}
      <table>
        <caption class="sr-only">Inboxes</caption>
        <thead>
          <tr>
            <th scope="col">Inbox</th>
            <th scope="col">Display name</th>
            <th scope="col">Channel</th>
            <th scope="col">Plugin</th>
            <th scope="col">State</th>
            <th scope="col">Health</th>
            <th scope="col">Visible to</th>
          </tr>
        </thead>
        <tbody>
          {props.inboxes.map((i) => (
            <tr>
              <th scope="row">
                <code>{i.name}</code>
              </th>
              <td>{i.displayName}</td>
              <td>{i.channel}</td>
              <td>{i.plugin}</td>
              <td>
                <span class={stateClass(i.state === "running" || i.state === "ready" || i.state === "standby")}>{i.state}</span>
                {i.state === "standby" ? <div class="muted">another process runs it</div> : null}
                {i.error ? <div class="error-text">{i.error}</div> : null}
              </td>
              <td>
                <span class={stateClass(i.health.ok)}>{i.health.ok ? "healthy" : "unhealthy"}</span>
                {i.health.message ? <div class={i.health.ok ? "muted" : "error-text"}>{i.health.message}</div> : null}
              </td>
              <td>{i.teams.length ? i.teams.join(", ") : <span class="muted">every agent</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <StatusPanels inboxes={props.inboxes} />
      <h2>Plugins</h2>
      <table>
        <caption class="sr-only">Plugins</caption>
        <thead>
          <tr>
            <th scope="col">Plugin</th>
            <th scope="col">Name</th>
            <th scope="col">Version</th>
            <th scope="col">State</th>
            <th scope="col">Error</th>
          </tr>
        </thead>
        <tbody>
          {props.plugins.map((p) => (
            <tr>
              <th scope="row">
                <code>{p.alias}</code>
              </th>
              <td>{p.name}</td>
              <td>{p.version}</td>
              <td>
                <span class={stateClass(p.state === "started")}>{p.state}</span>
              </td>
              <td>
                {p.error ? (
                  <span class="error-text">
                    <code>{p.error.code}</code> {p.error.message}
                  </span>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** Each channel's own panel, kept current by its stream (/admin/inboxes/<name>/panel/events). */
function StatusPanels(props: { inboxes: InboxRow[] }) {
  const withPanel = props.inboxes.filter((i) => i.panel !== undefined);
  return (
    <>
      {withPanel.map((i) => (
        <section
          class="status-panel"
          aria-labelledby={`panel-${i.name}`}
          hx-ext="sse"
          sse-connect={`/admin/inboxes/${encodeURIComponent(i.name)}/panel/events`}
        >
          <h2 id={`panel-${i.name}`}>
            {i.displayName} <span class="muted">({i.channel})</span>
          </h2>
          <div sse-swap="panel" aria-live="polite">
            {raw(i.panel)}
          </div>
        </section>
      ))}
    </>
  );
}
