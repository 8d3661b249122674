/**
 * {{package}}: a Switchboard enrichment. It names the company of a contact from the domain of
 * their email, from a table in the config. Replace the lookup with your CRM's API and keep the rest.
 */
import { definePlugin } from "@switchboard/core";
import { z } from "zod";

/** `[plugins.<alias>.options]` (every key is in the README). */
export const options = z
  .object({
    /** Email domain to company name, e.g. { "acme.com" = "Acme Inc." }. */
    companies: z.record(z.string().toLowerCase(), z.string().min(1)),
    /** How long a company stays known before it is looked up again, in minutes. */
    ttl_minutes: z.number().int().positive().default(60),
  })
  .strict();

export default definePlugin({
  name: "{{name}}",
  version: "0.1.0",
  core: "^1.0.0",
  options,
  setup(ctx) {
    const companies = new Map(Object.entries(ctx.options.companies).map(([domain, name]) => [domain.toLowerCase(), name]));
    ctx.enrich(
      (input) => {
        for (const { kind, value } of input.identifiers) {
          const company = kind === "email" ? companies.get(value.split("@")[1] ?? "") : undefined;
          if (company) return { company };
        }
        return null; // nothing known: the contact keeps what it had
      },
      { ttlMs: ctx.options.ttl_minutes * 60_000 },
    );
  },
});
