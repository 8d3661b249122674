/**
 * @switchboard/enrich-http: enrichment from any JSON endpoint (a CRM, a billing system). For each
 * contact whose facts are missing or stale, it sends the contact's email and phone to the endpoint
 * and maps fields of the answer to facts with a small declarative mapping. Facts land on the
 * contact (`attributes.enrichment.<plugin>`), where the sidebar, routing and automations read them.
 * Options are documented in README.md.
 */
import { definePlugin } from "@switchboard/core";
import { z } from "zod";
import { identifiersFor, lookup } from "./lookup.ts";
import { fieldSchema, mapFacts } from "./mapping.ts";

export { EnrichHttpError } from "./lookup.ts";
export { mapFacts, valueAt } from "./mapping.ts";

export const enrichHttpOptions = z
  .object({
    url: z.url({ message: "give the endpoint's full URL, such as https://crm.example.com/api/lookup" }),
    method: z.enum(["GET", "POST"]).default("POST"),
    headers: z.record(z.string(), z.string()).default({}),
    lookup_by: z.array(z.string().min(1)).min(1).default(["email", "phone"]),
    timeout_ms: z.number().int().positive().max(30_000).default(2000),
    ttl_minutes: z.number().int().min(0).optional(),
    verified_only: z.boolean().default(true),
    fields: z
      .record(z.string().regex(/^[a-z][a-z0-9_]*$/, { message: "fact names use a-z, 0-9 and _" }), fieldSchema)
      .refine((f) => Object.keys(f).length > 0, {
        message: 'map at least one fact, e.g. [plugins.crm.options.fields] plan = "data.plan"',
      }),
  })
  .strict();

export default definePlugin({
  name: "enrich-http",
  version: "0.1.0",
  core: "^1.0.0",
  options: enrichHttpOptions,
  setup(ctx) {
    const {
      url,
      method,
      headers,
      lookup_by: lookupBy,
      timeout_ms: timeoutMs,
      ttl_minutes: ttlMinutes,
      verified_only: verifiedOnly,
      fields,
    } = ctx.options;
    ctx.enrich(
      async (input, signal) => {
        const identifiers = identifiersFor(input, lookupBy).filter((i) => i.verified || !verifiedOnly);
        if (identifiers.length === 0) return null;
        const json = await lookup({ url, method, headers, lookupBy }, input, identifiers, signal);
        if (json === null) return null;
        const { facts, unconvertible } = mapFacts(fields, json);
        if (unconvertible.length > 0)
          ctx.log.warn(
            { facts: unconvertible },
            "enrich-http: some answer fields did not match their type and were left out; check options.fields",
          );
        return Object.keys(facts).length > 0 ? facts : null;
      },
      { timeoutMs, ttlMs: ttlMinutes === undefined ? undefined : ttlMinutes * 60_000 },
    );
  },
});
