/**
 * End to end, in headless Chromium: the Reports area on the hand-computed dataset. The weekly
 * review page with its charts and tables, the business-hours toggle, a number followed to the
 * conversations behind it and on to one of them, a table's CSV against the table on the screen,
 * and the continuity review queue answered by an admin.
 */
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { berlin, seedReportsDataset } from "../../core/src/reports/fixtures.ts";
import { rollupOptions } from "../../core/src/reports/options.ts";
import { rebuildAll } from "../../core/src/reports/rollups.ts";
import { launchBrowser, type TestBrowser, useSession } from "./browser.ts";
import { type E2EServer, startServer } from "./server.ts";

let server: E2EServer;
let chrome: TestBrowser;
let page: Page;

beforeAll(async () => {
  [server, chrome] = await Promise.all([
    startServer({
      now: berlin(3, 27, 12),
      inboxes: { chat: { plugin: "test-channel" }, mail: { plugin: "test-channel" }, tg: { plugin: "test-channel" } },
    }),
    launchBrowser(),
  ]);
  const { store, loaded } = server.harness.switchboard;
  await store.write((tx) => seedReportsDataset(tx));
  await rebuildAll(store, await rollupOptions(store.db, loaded.config));
  ({ page } = await chrome.newPage());
  await useSession(page, server.url, await server.sessionFor("ada"), "/inbox/reports");
});

afterAll(async () => {
  await chrome?.close();
  await server?.close();
});

afterEach(() => {
  expect(chrome.errors).toEqual([]);
});

/** The visible text of a table's cells, row by row (header first). */
const cellsOf = (id: string) =>
  page.$$eval(`#table-${id} tr`, (rows) =>
    rows.map((row) => [...row.querySelectorAll("th, td")].map((cell) => (cell.textContent ?? "").trim())),
  );

describe("the Reports area", () => {
  test("shows the weekly review with charts, each beside its table", async () => {
    await page.goto(`${server.url}/inbox/reports`);
    await expect(page.locator("h1").textContent()).resolves.toBe("Reports");
    const all = page.locator("#table-channels tr", { has: page.locator('th:text-is("All channels")') }).first();
    await expect(all.locator("td").nth(1).textContent()).resolves.toBe("5");
    await expect(page.locator("figure.report-chart svg[role=img]").count()).resolves.toBe(2);
    const box = await page.locator("figure.report-chart svg").first().boundingBox();
    expect(box!.width).toBeGreaterThan(200);
    expect(await cellsOf("switches")).toEqual([
      ["From", "To", "Cases"],
      ["webchat", "email", "1"],
    ]);
  });

  test("the business-hours toggle keeps the filters and switches the durations", async () => {
    await page.goto(`${server.url}/inbox/reports?channel=telegram`);
    await page.locator('input[name="hours"]').check();
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL(/hours=business/);
    expect(page.url()).toContain("channel=telegram");
    const row = page.locator("#table-first_response tr", { has: page.locator('th:text-is("telegram")') });
    // Business hours here are the default, 09:00-17:00 UTC: Friday 15:00 to 17:00 UTC, and nothing on Monday before 07:30 UTC.
    await expect(row.locator("td").first().textContent()).resolves.toBe("2 h");
  });

  test("a number leads to the conversations behind it, and on to one of them", async () => {
    await page.goto(`${server.url}/inbox/reports`);
    const all = page.locator("#table-channels tr", { has: page.locator('th:text-is("All channels")') }).first();
    await all.locator("td").nth(3).locator("a").click(); // First response (median)
    await page.waitForURL(/\/inbox\/reports\/conversations\?.*metric=first_response/);
    const ids = await page.$$eval("tbody th a", (links) => links.map((a) => a.textContent).sort());
    expect(ids).toEqual(["#10", "#20", "#30", "#31"]);
    await page.getByRole("link", { name: "#31" }).click();
    await page.waitForURL(/\/inbox\/conversations\/31$/);
  });

  test("a table's CSV has exactly the cells on the screen", async () => {
    await page.goto(`${server.url}/inbox/reports?hours=business`);
    for (const id of ["channels", "audit", "daily"]) {
      const href = await page.locator(`#table-${id} a.csv`).getAttribute("href");
      const csv = await (await page.request.get(`${server.url}${href}`)).text();
      const rows = csv
        .trimEnd()
        .split("\r\n")
        .map((line) => line.split(","));
      expect(rows, id).toEqual(await cellsOf(id));
    }
  });

  test("the continuity review queue: an admin answers, the score follows", async () => {
    await page.goto(`${server.url}/inbox/reports/review`);
    const item = page.locator("#review-10");
    await expect(item.textContent()).resolves.toContain("Case #10: Customer 1 on email");
    await item.getByRole("button", { name: "Yes" }).click();
    await page.waitForURL(/\/inbox\/reports\/review/);
    await expect(page.locator("#continuity-score").textContent()).resolves.toBe("100.0%");
    await expect(page.locator("#review-10").textContent()).resolves.toContain("Answered: yes");
    await page.goto(`${server.url}/inbox/reports`);
    await expect(page.locator("main").textContent()).resolves.toContain("100.0% of 1 reviewed");
  });
});
