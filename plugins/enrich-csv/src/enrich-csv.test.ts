// enrich-csv: typed facts from a CSV file matched by email or phone (in time for routing, since the
// lookup is in memory), re-read when the file changes, a broken new version ignored, and clear
// errors for a missing file or key columns.
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { normalisePhone } from "@switchboard/core";
import { createTestHarness, type Harness, tables } from "@switchboard/core/testing";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { loadTable } from "./table.ts";

const PLUGIN = fileURLToPath(new URL("./index.ts", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "enrich-csv-"));
let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});
afterEach(() => rmSync(join(dir, "customers.csv"), { force: true }));

const CSV = [
  "Email,Phone,Plan,VIP,Account manager,Lifetime value",
  'ann@example.com,,pro,yes,Mia,"1,200.50"',
  ",030 1234567,free,no,,0",
  'bob@example.com,,"team, annual",maybe,Lou,abc',
].join("\n");
const COLUMNS = {
  plan: "Plan",
  vip: { column: "VIP", type: "boolean" },
  account_manager: "Account manager",
  lifetime_value: { column: "Lifetime value", type: "number" },
} as const;

function writeCsv(text: string, mtime: number) {
  const file = join(dir, "customers.csv");
  writeFileSync(file, text);
  utimesSync(file, mtime, mtime);
  return file;
}

const contactByEmail = async (h: Harness, email: string) =>
  (await h.switchboard.store.db.select().from(tables.contacts).where(eq(tables.contacts.email, email)))[0]!;

describe("enrich-csv", () => {
  it("gives contacts typed facts from their CSV row, matched by verified email or phone, before routing", async () => {
    const file = writeCsv(CSV, 1000);
    harness = await createTestHarness({
      plugins: {
        csv: { package: PLUGIN, options: { file, email_column: "Email", phone_column: "Phone", phone_region: "DE", columns: COLUMNS } },
      },
    });
    await harness.inject({ externalId: "m1", contact: { externalId: "u1", email: "ANN@example.com", verified: true }, text: "hi" });
    await harness.inject({ externalId: "m2", contact: { externalId: "u2", phone: "+49301234567", verified: true }, text: "hi" });
    await harness.inject({ externalId: "m3", contact: { externalId: "u3", email: "bob@example.com" }, text: "typed, not verified" });
    expect((await contactByEmail(harness, "ann@example.com")).attributes.enrichment).toEqual({
      csv: { plan: "pro", vip: true, account_manager: "Mia", lifetime_value: 1200.5 },
    });
    const [byPhone] = await harness.switchboard.store.db.select().from(tables.contacts).where(eq(tables.contacts.phone, "+49301234567"));
    expect(byPhone!.attributes.enrichment).toEqual({ csv: { plan: "free", vip: false, lifetime_value: 0 } });
    expect((await contactByEmail(harness, "bob@example.com")).attributes.enrichment).toBeUndefined();
  });

  it("re-reads the file when it changes, and keeps the last good version when the new one is broken", async () => {
    const file = writeCsv("email,plan\nann@example.com,free\n", 1000);
    harness = await createTestHarness({ plugins: { csv: { package: PLUGIN, options: { file, check_interval_ms: 0, ttl_minutes: 0 } } } });
    const ask = async (id: string) => {
      await harness!.inject({ externalId: id, contact: { externalId: "u1", email: "ann@example.com", verified: true }, text: id });
      return (await contactByEmail(harness!, "ann@example.com")).attributes.enrichment;
    };
    expect(await ask("m1")).toEqual({ csv: { plan: "free" } });
    writeCsv("email,plan,account_manager\nann@example.com,pro,Mia\n", 2000);
    expect(await ask("m2")).toEqual({ csv: { plan: "pro", account_manager: "Mia" } });
    writeCsv('email,plan\nann@example.com,"unclosed\n', 3000);
    expect(await ask("m3")).toEqual({ csv: { plan: "pro", account_manager: "Mia" } });
  });

  it("fails to start with the reason when the file is missing", async () => {
    harness = await createTestHarness({ plugins: { csv: { package: PLUGIN, options: { file: join(dir, "nope.csv") } } } });
    const status = harness.switchboard.registry.plugins.find((p) => p.alias === "csv");
    expect(status).toMatchObject({
      state: "failed",
      error: { message: expect.stringContaining(`enrich-csv: cannot read ${join(dir, "nope.csv")}: ENOENT`) },
    });
  });
});

describe("loadTable", () => {
  const options = {
    emailColumn: "Email",
    phoneColumn: "Phone",
    columns: COLUMNS,
    delimiter: ",",
    normalisePhone: (raw: string) => normalisePhone(raw, "DE"),
  };

  it("reports cells that do not fit their type, keeping the row's other facts", () => {
    const table = loadTable(writeCsv(CSV, 1000), options);
    expect(table.rows).toBe(3);
    expect(table.byEmail.get("bob@example.com")).toEqual({ plan: "team, annual", account_manager: "Lou" });
    expect(table.warnings).toEqual([
      'row 4, column "VIP": expected yes or no, got "maybe"',
      'row 4, column "Lifetime value": expected a number, got "abc"',
    ]);
  });

  it("names the columns it needs when neither key column exists", () => {
    expect(() => loadTable(writeCsv("name,plan\nAnn,pro\n", 1000), options)).toThrow(
      'has neither the column "Email" nor "Phone" (its columns: name, plan). Set options.email_column / options.phone_column.',
    );
  });
});
