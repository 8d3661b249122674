/**
 * `switchboard reports rebuild` as a user runs it: a child process on a temp config and database
 * holding the hand-computed reports dataset; the rollups it writes give that dataset's KPIs.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import { configSchema } from "../core/src/config/schema.ts";
import { berlin, seedReportsDataset, TZ } from "../core/src/reports/fixtures.ts";
import { kpiReport } from "../core/src/reports/kpis.ts";
import { weekOf } from "../core/src/reports/periods.ts";
import { readGrouped } from "../core/src/reports/read.ts";
import { openStore } from "../core/src/store/index.ts";
import { runCli } from "./fixtures/cli.ts";

const dir = mkdtempSync(join(tmpdir(), "switchboard-reports-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("reports rebuild recomputes the rollups from the raw rows", async () => {
  const db = join(dir, "sb.db");
  const file = join(dir, "switchboard.toml");
  writeFileSync(file, `[store]\nurl = "file:${db}"\n\n[business_hours]\ntimezone = "${TZ}"\n`);
  expect((await runCli(["--config", file, "migrate"])).code).toBe(0);
  const store = await openStore({ url: `file:${db}` });
  try {
    await seedReportsDataset(store.db);
    const run = await runCli(["--config", file, "reports", "rebuild"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^Rebuilt reports from 5 contacts: \d+ samples, \d+ rollup rows/m);
    const [from, to] = weekOf(berlin(3, 25, 12), TZ);
    const { groups, source } = await readGrouped(store.db, { from, to, inboxes: ["chat", "mail", "tg"] }, TZ, () => "all");
    expect(source).toBe("day");
    const week = kpiReport(groups.get("all")!, { business: true, hourlyCost: configSchema.parse({}).reports.agent_hourly_cost });
    expect(week).toMatchObject({ cases: 5, customerMessages: 9, fcr: { n: 2, of: 3 }, costPerResolution: null });
    expect(week.firstResponse).toMatchObject({ n: 4, median: 30 * 60_000, p90: 90 * 60_000 });
  } finally {
    store.close();
  }
});
