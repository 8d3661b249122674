/**
 * The plugin API, for channel authors: a live status panel a channel shows on the admin inboxes
 * page (a pairing code to scan, the account it is connected as, the connection state), redrawn for
 * every admin who has the page open whenever the channel says it changed.
 */

/**
 * A channel's panel on /admin/inboxes. Core renders it under the inbox's row when the page opens,
 * and streams a fresh render to the open page (Server-Sent Events) each time `subscribe`'s callback
 * is called. Only admins see it. Core does not escape what `render` returns: build it with Hono JSX
 * or `html\`...\`` (which escape what you interpolate), and mark only markup you made yourself as raw.
 *
 * @example
 * const listeners = new Set<() => void>();
 * let state = "connecting";
 * const adapter: ChannelAdapter = {
 *   statusPanel: {
 *     render: () => html`<p>Connection: <strong>${state}</strong></p>`,
 *     subscribe(redraw) { listeners.add(redraw); return () => listeners.delete(redraw); },
 *   },
 *   async send(target, message) { ... },
 * };
 * // when the connection changes:
 * state = "connected";
 * for (const redraw of listeners) redraw();
 */
export interface StatusPanel {
  /** The panel's content now: Hono JSX, an `html` template result or a string of safe HTML. */
  render(): unknown | Promise<unknown>;
  /** Calls `redraw` whenever what `render` shows has changed; returns what stops the calls. */
  subscribe(redraw: () => void): () => void;
}
