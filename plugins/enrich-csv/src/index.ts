/**
 * @switchboard/enrich-csv: customer facts from a CSV file (plan, VIP flag, account manager, lifetime
 * value, …), matched to contacts by email or phone. The file is re-read when it changes. Facts land
 * on the contact (`attributes.enrichment.<plugin>`), where the sidebar, routing and automations read
 * them. Options are documented in README.md.
 */
import { resolve } from "node:path";
import { definePlugin, normalisePhone } from "@switchboard/core";
import { z } from "zod";
import { columnSchema } from "./table.ts";
import { WatchedTable } from "./watched.ts";

export { loadTable } from "./table.ts";

export const enrichCsvOptions = z
  .object({
    file: z.string().min(1, { message: "give the CSV file's path" }),
    email_column: z.string().min(1).default("email"),
    phone_column: z.string().min(1).default("phone"),
    phone_region: z
      .string()
      .regex(/^[A-Z]{2}$/, { message: 'expected a two-letter region such as "DE"' })
      .optional(),
    columns: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/, { message: "fact names use a-z, 0-9 and _" }), columnSchema).optional(),
    delimiter: z.string().length(1).default(","),
    check_interval_ms: z.number().int().min(0).default(2000),
    ttl_minutes: z.number().int().min(0).default(10),
    verified_only: z.boolean().default(true),
  })
  .strict();

export default definePlugin({
  name: "enrich-csv",
  version: "0.1.0",
  core: "^1.0.0",
  options: enrichCsvOptions,
  setup(ctx) {
    const o = ctx.options;
    const file = resolve(o.file);
    const table = new WatchedTable(
      file,
      {
        emailColumn: o.email_column,
        phoneColumn: o.phone_column,
        columns: o.columns,
        delimiter: o.delimiter,
        normalisePhone: (raw) => normalisePhone(raw, o.phone_region),
      },
      ctx.log,
      o.check_interval_ms,
    );
    ctx.enrich(
      (input) => {
        const { byEmail, byPhone } = table.current();
        for (const id of input.identifiers.filter((i) => i.verified || !o.verified_only)) {
          const facts = id.kind === "email" ? byEmail.get(id.value.toLowerCase()) : id.kind === "phone" ? byPhone.get(id.value) : undefined;
          if (facts) return facts;
        }
        return null;
      },
      { timeoutMs: 500, ttlMs: o.ttl_minutes * 60_000 },
    );
  },
});
