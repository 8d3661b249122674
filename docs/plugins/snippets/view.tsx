// view: a component in a named inbox slot; "contact.sidebar" gets the contact and their identities.
import { definePlugin } from "@switchboard/core";

interface SidebarProps {
  contact: { id: number; name: string | null; attributes: Record<string, unknown> };
}

export default definePlugin({
  name: "plan-badge",
  version: "1.0.0",
  core: "^1.0.0",
  setup(ctx) {
    ctx.view("contact.sidebar", (props) => {
      const { contact } = props as unknown as SidebarProps;
      const plan = (contact.attributes.enrichment as Record<string, { plan?: string }> | undefined)?.crm?.plan;
      return plan ? <p class="badge">Plan: {plan}</p> : null;
    });
  },
});
