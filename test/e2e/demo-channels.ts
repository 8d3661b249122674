/**
 * Two pretend channels for the screenshots' demo: "email", whose sends succeed, and "whatsapp",
 * whose sends are refused the way WhatsApp refuses a reply outside its 24-hour window, so the demo
 * shows a failed delivery with its retry button. Nothing leaves the machine.
 */
import { DeliveryError, definePlugin } from "@switchboard/core";

export default definePlugin({
  name: "demo-channels",
  version: "1.0.0",
  core: "^1.0.0",
  setup(ctx) {
    ctx.channel("email", {
      family: "email",
      create: () => ({
        identityScope: "channel", // an email address is the same person in every mailbox
        limits: { maxTextLength: 100_000 },
        send: async (_target, message) => ({ externalId: `<demo-${message.id}@mail.example.com>` }),
      }),
    });
    ctx.channel("whatsapp", {
      family: "messaging",
      create: () => ({
        identityScope: "channel", // a phone number is the same person in every WhatsApp inbox
        limits: { maxTextLength: 4096 },
        send: async () => {
          throw new DeliveryError(
            "WhatsApp refused the message: the 24-hour customer service window has closed. Send an approved template instead.",
            { retryable: false },
          );
        },
      }),
    });
  },
});
