/**
 * The harness's channel plugin: kind "test". It captures every send, and can be told to fail the
 * next sends (with any error, such as a DeliveryError with retryAfterMs) to exercise the outbox.
 * State lives per harness, keyed by the `harness` plugin option. Its contact ids are global to the
 * channel, as Telegram's are (`identity_scope = "inbox"` in an inbox's options makes them
 * inbox-scoped, as an API integration's are). `exclusive` makes it run in one process of a cluster.
 */
import { z } from "zod";
import { definePlugin } from "../plugins/define.ts";
import type { Emit, OutboundMessage, OutboundTarget } from "../plugins/types.ts";

export interface CapturedSend {
  target: OutboundTarget;
  message: OutboundMessage;
}

export interface TestChannelState {
  sent: CapturedSend[];
  /** Errors thrown by the next sends, in order. */
  failures: unknown[];
  idempotentSends: boolean;
  emit?: Emit;
}

export const testChannelStates = new Map<string, TestChannelState>();

export default definePlugin({
  name: "test-channel",
  version: "1.0.0",
  core: "^1.0.0",
  options: z.object({ harness: z.string() }),
  setup(ctx) {
    const state = testChannelStates.get(ctx.options.harness);
    if (!state) throw new Error(`No harness "${ctx.options.harness}" is registered; create the plugin through createTestHarness().`);
    ctx.channel("test", {
      family: "messaging",
      options: z.object({
        identity_scope: z.enum(["inbox", "channel"]).default("channel"),
        /** Declares the inbox exclusive, as a polling or session channel is (for the cluster tests). */
        exclusive: z.enum(["receive", "all"]).optional(),
      }),
      create: (inbox) => ({
        identityScope: inbox.options.identity_scope,
        ...(inbox.options.exclusive ? { exclusive: inbox.options.exclusive } : {}),
        get idempotentSends() {
          return state.idempotentSends;
        },
        limits: { maxTextLength: 5000 },
        start(emit) {
          state.emit = emit;
        },
        // Keeps an original of every message, as a channel that keeps raw sources does (admins download it).
        original: async (externalId) => ({
          filename: "original.txt",
          contentType: "text/plain",
          data: Buffer.from(`The original of ${externalId}`),
        }),
        async send(target, message) {
          const failure = state.failures.shift();
          if (failure !== undefined) throw failure;
          state.sent.push({ target, message });
          return { externalId: `test-out-${message.id}` };
        },
      }),
    });
  },
});
