/**
 * The channel adapter of one webchat inbox: `start` connects the inbox to core's emit, `send`
 * delivers agent replies to the visitor (see outbound.ts), `stop` closes the live connections.
 * Sends are idempotent: a retried message id is recognised and never shown twice.
 */
import type { ChannelAdapter } from "@switchboard/core";
import type { WebchatInbox } from "./inbox.ts";
import { deliver } from "./outbound.ts";

/**
 * Makes the adapter.
 *
 * @example
 * ctx.channel("webchat", { options: webchatInboxOptions, create: async (context) => createAdapter(await WebchatInbox.create(context, agentsOnline, ctx.conversations, ctx.cluster)) });
 */
export function createAdapter(inbox: WebchatInbox): ChannelAdapter {
  return {
    idempotentSends: true,
    // A visitor id is minted by this widget: the same id in another inbox is somebody else.
    identityScope: "inbox",
    limits: { maxTextLength: inbox.options.max_text_length },
    start(emit, signal) {
      inbox.attach(emit);
      signal.addEventListener("abort", () => inbox.detach(), { once: true });
    },
    send: (target, message) => deliver(inbox, target, message),
    stop: () => inbox.detach(),
    async health() {
      const open = inbox.hub.size;
      if (inbox.options.allowed_origins.includes("*")) {
        return {
          ok: true,
          attention: true,
          message: `allowed_origins is ["*"]: any website can embed this chat. List your sites instead. (${open} visitors connected)`,
        };
      }
      return { ok: true, message: `${open} live widget connections.` };
    },
  };
}
