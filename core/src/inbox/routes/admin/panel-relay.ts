/**
 * Status panels across processes (`[cluster]`): an exclusive inbox runs in one process, and only
 * there does its panel know anything (a pairing code, the connected account). That process renders
 * the panel on each change and broadcasts the HTML; every other process shows the latest copy it
 * received and redraws its open pages when a new one comes, and asks for one when a page opens
 * before any came. With one process, or for an inbox every process runs, the panel is the channel's own.
 */
import { html } from "hono/html";
import type { StatusPanel } from "../../../plugins/types.ts";
import type { Services } from "../../../services.ts";
import { renderStatusPanel } from "./render-panel.ts";

type RelayServices = Pick<Services, "cluster" | "inboxes" | "log" | "onStop">;

const relays = new WeakMap<RelayServices, PanelRelay>();

/**
 * The relay of a running Switchboard (made on first use).
 *
 * @example
 * const panel = panelRelayOf(sb).panelFor("whatsapp");
 */
export function panelRelayOf(sb: RelayServices): PanelRelay {
  let relay = relays.get(sb);
  if (!relay) relays.set(sb, (relay = new PanelRelay(sb)));
  return relay;
}

export class PanelRelay {
  readonly #sb: RelayServices;
  /** The newest HTML of each inbox's panel, from the process that runs it. */
  readonly #latest = new Map<string, string>();
  readonly #redraws = new Map<string, Set<() => void>>();

  constructor(sb: RelayServices) {
    this.#sb = sb;
    if (!sb.cluster.shared) return;
    for (const handle of sb.inboxes.list()) {
      const panel = handle.adapter?.statusPanel;
      if (!panel || !handle.adapter?.exclusive) continue;
      const name = handle.name;
      sb.onStop(panel.subscribe(() => void this.#publish(name, panel)));
      sb.onStop(
        sb.cluster.listen(`panel:${name}`, (rendered) => {
          this.#latest.set(name, rendered);
          for (const redraw of this.#redraws.get(name) ?? []) redraw();
        }),
      );
      sb.onStop(sb.cluster.listen(`panel-ask:${name}`, () => void this.#publish(name, panel)));
    }
    // A process that takes an inbox over says so at once, before the channel's first change.
    sb.cluster.onLeaseChange((change) => {
      const name = change.lease.startsWith("inbox:") ? change.lease.slice("inbox:".length) : undefined;
      const panel = name ? sb.inboxes.get(name)?.adapter?.statusPanel : undefined;
      if (name && panel && change.change === "acquired") void this.#publish(name, panel);
    });
  }

  /** The panel to show here for `inbox`: the channel's own where it runs, else the relayed copy. */
  panelFor(inbox: string): StatusPanel | undefined {
    const handle = this.#sb.inboxes.get(inbox);
    const panel = handle?.adapter?.statusPanel;
    if (!panel) return undefined;
    if (!this.#sb.cluster.shared || !handle.adapter?.exclusive || this.#sb.cluster.holds(`inbox:${inbox}`)) return panel;
    return {
      render: () => {
        const latest = this.#latest.get(inbox);
        if (latest !== undefined) return latest;
        this.#sb.cluster.broadcast(`panel-ask:${inbox}`, "", { here: false });
        return html`<p>Another Switchboard process runs this inbox; its panel shows here as soon as it answers.</p>`;
      },
      subscribe: (redraw) => {
        let set = this.#redraws.get(inbox);
        if (!set) this.#redraws.set(inbox, (set = new Set()));
        set.add(redraw);
        return () => set.delete(redraw);
      },
    };
  }

  /** Renders and broadcasts the panel of an inbox this process runs (others ignore the call). */
  async #publish(inbox: string, panel: StatusPanel): Promise<void> {
    if (!this.#sb.cluster.holds(`inbox:${inbox}`)) return;
    this.#sb.cluster.broadcast(`panel:${inbox}`, await renderStatusPanel(this.#sb, inbox, panel));
  }
}
