/**
 * The Reports area over HTTP on the hand-computed dataset: the weekly review page (light, with SVG
 * charts and a table beside each), every number a link to its conversations, the CSV matching the
 * table, one row per conversation, refusals of bad input with 422, and the review queue (admins).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { berlin, seedReportsDataset, TZ } from "../reports/fixtures.ts";
import { rollupOptions } from "../reports/options.ts";
import { rebuildAll } from "../reports/rollups.ts";
import type { Harness } from "../testing/index.ts";
import { type Browser, inboxHarness, signIn } from "./fixtures.ts";

let harness: Harness;
let admin: Browser;
let agent: Browser;
beforeAll(async () => {
  const setup = await inboxHarness({
    now: berlin(3, 27, 12),
    inboxes: { chat: { plugin: "test-channel" }, mail: { plugin: "test-channel" }, tg: { plugin: "test-channel" } },
    config: { business_hours: { timezone: TZ }, reports: { agent_hourly_cost: 30 } },
  });
  harness = setup.harness;
  const { store, loaded } = harness.switchboard;
  await store.write((tx) => seedReportsDataset(tx));
  await rebuildAll(store, await rollupOptions(store.db, loaded.config));
  admin = await signIn(harness, "ada@example.com", setup.password);
  agent = await signIn(harness, "bob@example.com", setup.password);
});
afterAll(() => harness?.close());

const decode = (s: string) =>
  s.replaceAll("&amp;", "&").replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&quot;", '"').replaceAll("&#39;", "'");

/** The text of each cell of one table of the page, row by row. */
function tableCells(html: string, id: string): string[][] {
  const table = html.split(`id="table-${id}"`)[1]!.split("</table>")[0]!;
  const head = table.split("<tbody>")[0]!;
  const rows = [
    [...head.matchAll(/<th scope="col">(.*?)<\/th>/g)].map((m) => m[1]!),
    ...[...table.split("<tbody>")[1]!.matchAll(/<tr>(.*?)<\/tr>/gs)].map((r) =>
      [...r[1]!.matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/gs)].map((c) => c[1]!.replace(/<[^>]+>/g, "")),
    ),
  ];
  return rows.map((row) => row.map(decode));
}

function parseCsv(text: string): string[][] {
  return text
    .trimEnd()
    .split("\r\n")
    .map((line) =>
      [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)].slice(0, -1).map((m) => m[1]!.replace(/^"|"$/g, "").replaceAll('""', '"')),
    );
}

describe("the Reports page", () => {
  it("shows this week against last week per channel, under the 100 KiB page budget, with SVG charts and tables", async () => {
    const response = await admin.get("/inbox/reports");
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html.length).toBeLessThan(100 * 1024);
    const channels = tableCells(html, "channels");
    expect(channels[0]!.slice(0, 4)).toEqual(["Channel", "Period", "Cases", "Customer messages"]);
    const all = channels.find((r) => r[0] === "All channels" && r[1] === "this")!;
    expect(all.slice(2, 6)).toEqual(["5", "9", "30 min", "2 d 16 h"]);
    const before = channels.find((r) => r[0] === "All channels" && r[1] === "before")!;
    expect(before.slice(2, 5)).toEqual(["1", "1", "6 min"]);
    expect(html.match(/<svg class="chart"/g)).toHaveLength(2);
    expect(html).toMatch(
      /<figure class="report-chart"><svg[^>]*role="img"[^>]*>.*?<\/svg><div class="report-table" id="table-first_response">/s,
    );
    expect(tableCells(html, "first_response")).toContainEqual(["webchat", "10 min", "6 min"]);
    expect(tableCells(html, "audit")).toContainEqual(["email", "1", "30 min", "3.5", "every agent"]);
    expect(tableCells(html, "switches")).toEqual([
      ["From", "To", "Cases"],
      ["webchat", "email", "1"],
    ]);
  });

  it("switches durations to business time", async () => {
    const html = await (await admin.get("/inbox/reports?hours=business")).text();
    const all = tableCells(html, "channels").find((r) => r[0] === "All channels" && r[1] === "this")!;
    expect(all[5]).toBe("1 h 30 min");
  });

  it("links every number to the conversations behind it", async () => {
    const html = await (await admin.get("/inbox/reports")).text();
    const row = html.split('<th scope="row">All channels</th>')[1]!.split("</tr>")[0]!;
    const links = [...row.matchAll(/<a href="([^"]+)">/g)].map((m) => decode(m[1]!));
    expect(links.length).toBeGreaterThanOrEqual(15);
    const frt = links.find((l) => l.includes("metric=first_response"))!;
    const drill = await (await admin.get(frt)).text();
    const ids = [...drill.matchAll(/href="\/inbox\/conversations\/(\d+)"/g)].map((m) => Number(m[1])).sort((a, b) => a - b);
    expect(ids).toEqual([10, 20, 30, 31]);
    expect(drill).toContain("1 h 30 min");
    const repeat = await (await admin.get(links.find((l) => l.includes("metric=repeat"))!)).text();
    expect([...repeat.matchAll(/href="\/inbox\/conversations\/(\d+)"/g)].map((m) => m[1])).toEqual(["31"]);
  });

  it("exports each table as CSV with exactly the table's cells", async () => {
    const html = await (await admin.get("/inbox/reports?hours=business")).text();
    for (const id of ["channels", "first_response", "audit", "daily", "switches", "utilisation"]) {
      const href = decode(html.match(new RegExp(`id="table-${id}".*?<a class="csv" href="([^"]+)"`, "s"))![1]!);
      expect(href).toContain("hours=business");
      const response = await admin.get(href);
      expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
      expect(parseCsv(await response.text()), id).toEqual(tableCells(html, id));
    }
  });

  it("exports one row per conversation", async () => {
    const csv = parseCsv(await (await admin.get("/inbox/reports/export.csv?table=conversations")).text());
    expect(csv[0]!.slice(0, 3)).toEqual(["conversation", "case", "inbox"]);
    expect(csv.slice(1).map((r) => r[0])).toEqual(["10", "11", "20", "30", "31", "40"]);
    const eleven = csv.find((r) => r[0] === "11")!;
    expect(eleven.slice(1, 6)).toEqual(["10", "mail", "email", "resolved", "2"]);
  });

  it("answers bad input with 422 and a reason", async () => {
    for (const [query, reason] of [
      ["from=2026-13-01&to=2026-13-02", "from"],
      ["from=2026-03-10", "to: give both"],
      ["from=2026-03-10&to=2026-03-01", "from must be on or before to"],
      ["hours=sometimes", "hours"],
      ["team=abc", "team"],
    ] as const) {
      const response = await admin.get(`/inbox/reports?${query}`);
      expect(response.status, query).toBe(422);
      expect(await response.text()).toContain(reason);
    }
    expect((await admin.get("/inbox/reports/conversations?metric=x;drop")).status).toBe(422);
    expect((await admin.get("/inbox/reports/conversations")).status).toBe(422);
    expect((await admin.get("/inbox/reports/export.csv?table=secrets")).status).toBe(422);
  });
});

describe("the continuity review queue", () => {
  it("queues the week's cross-channel case for admins; an answer sets the score", async () => {
    expect((await agent.get("/inbox/reports/review")).status).toBe(403);
    const page = await (await admin.get("/inbox/reports/review")).text();
    expect(page).toContain("Case #10: Customer 1 on email");
    expect(page).toContain('id="continuity-score">–');
    expect((await admin.post("/inbox/reports/review/10", { answer: "maybe" })).status).toBe(422);
    expect((await agent.post("/inbox/reports/review/10", { answer: "yes" })).status).toBe(403);
    const answered = await admin.post("/inbox/reports/review/10", { answer: "yes" });
    expect(answered.status).toBe(303);
    expect(await (await admin.get("/inbox/reports/review")).text()).toContain('id="continuity-score">100.0%');
    const report = await (await admin.get("/inbox/reports")).text();
    expect(report).toContain("100.0% of 1 reviewed");
  });
});
