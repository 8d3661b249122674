// kv: namespaced key-value storage in the database (ctx.kv per plugin, inbox.kv per inbox).
import { definePlugin } from "@switchboard/core";

export default definePlugin({
  name: "first-contact",
  version: "1.0.0",
  core: "^1.0.0",
  setup(ctx) {
    ctx.on("contact.created", async (event) => {
      await ctx.kv.set(`seen:${event.data.contactId}`, { at: ctx.clock.now() }, { ttlMs: 30 * 86_400_000 });
    });
    ctx.on("contact.erased", async (event) => {
      await ctx.kv.delete(`seen:${event.data.contactId}`); // forget what you keep about an erased contact
    });
  },
});
