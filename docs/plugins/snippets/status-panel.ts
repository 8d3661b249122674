// Status panel: a live panel on /admin/inboxes (a code to scan, the connected account), and
// inbox.disconnected(), which tells webhooks and plugins that the channel needs a person.
import type { ChannelAdapter, InboxContext } from "@switchboard/core";
import { html } from "hono/html";

export function pairedChannel(inbox: InboxContext<unknown>): ChannelAdapter & { lost(why: string): Promise<void> } {
  const redraws = new Set<() => void>();
  let state = "waiting for a scan";
  const changed = () => redraws.forEach((redraw) => redraw());
  return {
    statusPanel: {
      render: () => html`<p>Connection: <strong>${state}</strong></p>`, // html`` escapes what it interpolates
      subscribe(redraw) {
        redraws.add(redraw); // core calls render again and streams it to the open admin page
        return () => redraws.delete(redraw);
      },
    },
    async health() {
      return state === "connected" ? { ok: true } : { ok: false, message: `Not connected (${state}): scan the code on /admin/inboxes.` };
    },
    async lost(why) {
      state = `disconnected: ${why}`;
      changed();
      await inbox.disconnected(`The session ended (${why}); scan the new code on /admin/inboxes.`); // channel.disconnected
    },
    async send() {
      if (state !== "connected") throw new Error("Not connected.");
    },
  };
}
