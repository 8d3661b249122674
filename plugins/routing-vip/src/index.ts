/**
 * @switchboard/routing-vip: a contact with an account manager (a contact attribute holding the
 * agent's email or id) goes to that agent when they are online with capacity left. Otherwise it
 * answers nothing, so the inbox's next strategy decides (the fallback).
 *
 * Config:
 *   [plugins.vip]
 *   package = "@switchboard/routing-vip"
 *   [inboxes.support]
 *   routing = ["vip", "least-busy"]
 */
import { definePlugin, valueAtPath } from "@switchboard/core";
import { z } from "zod";

export const vipOptions = z
  .object({
    /** The contact attribute (a dotted path, e.g. "enrichment.crm.owner_email") naming the account manager. */
    attribute: z.string().min(1).default("account_manager"),
  })
  .strict();

export default definePlugin({
  name: "routing-vip",
  version: "0.1.0",
  core: "^1.0.0",
  options: vipOptions,
  setup(ctx) {
    ctx.route(
      async function vip(input) {
        const manager = valueAtPath(input.contact.attributes, ctx.options.attribute);
        if (manager === undefined || manager === null || manager === "") return null;
        const agent =
          typeof manager === "number" || /^\d+$/.test(String(manager))
            ? await ctx.agents.get(Number(manager))
            : await ctx.agents.byEmail(String(manager));
        if (!agent) {
          ctx.log.warn({ contactId: input.contact.id, manager }, "the account manager named on this contact is not an agent");
          return null;
        }
        return agent.available ? { assigneeId: agent.id } : null;
      },
      { facts: { attribute: ctx.options.attribute } },
    );
  },
});
