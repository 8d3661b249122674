// enrich: facts about the contact of an arriving message, stored under attributes.enrichment.<alias>.
import { definePlugin } from "@switchboard/core";
import { z } from "zod";

export default definePlugin({
  name: "crm-lookup",
  version: "1.0.0",
  core: "^1.0.0",
  options: z.object({ url: z.url() }),
  setup(ctx) {
    ctx.enrich(
      async ({ identifiers }, signal) => {
        const email = identifiers.find((i) => i.kind === "email")?.value;
        if (!email) return null; // nothing to look up
        const res = await fetch(`${ctx.options.url}?email=${encodeURIComponent(email)}`, { signal });
        if (res.status === 404) return null;
        if (!res.ok) throw new Error(`CRM answered ${res.status}`); // logged; never blocks the message
        const { plan } = (await res.json()) as { plan: string };
        return { plan };
      },
      { timeoutMs: 1_500, ttlMs: 60 * 60_000 },
    );
  },
});
