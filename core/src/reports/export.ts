/**
 * The CSV exports, for the inbox page and REST alike: a table of the dashboard (the same cells the
 * page shows) or one row per conversation measured in the period.
 */
import type { Viewer } from "../access/index.ts";
import type { SwitchboardConfig } from "../config/schema.ts";
import type { Queryable } from "../store/index.ts";
import { toCsv } from "./csv.ts";
import { buildDashboard, filterFor, periodOf } from "./dashboard.ts";
import { conversationRows } from "./drill.ts";
import { reportsTimeZone } from "./options.ts";
import { dashboardQuery, type ReportQuery } from "./query.ts";
import { conversationTable, dashboardTables, type TableId } from "./tables.ts";

/**
 * One export as CSV text.
 *
 * @example
 * const csv = await exportCsv(db, config, viewer, q, "channels", Date.now(), (i) => sb.inboxes.get(i)?.channel);
 */
export async function exportCsv(
  db: Queryable,
  config: Pick<SwitchboardConfig, "reports" | "business_hours">,
  viewer: Viewer,
  q: ReportQuery,
  table: TableId | "conversations",
  now: number,
  channelOf: (inbox: string) => string | undefined,
): Promise<string> {
  if (table === "conversations") {
    const { period } = periodOf(q, reportsTimeZone(config), now);
    const rows = conversationTable(await conversationRows(db, filterFor(viewer, dashboardQuery(q), period), q.hours === "business"));
    return toCsv(rows.header, rows.rows);
  }
  const d = await buildDashboard(db, config, viewer, dashboardQuery(q), now, channelOf);
  const found = dashboardTables(d, q).find((t) => t.id === table)!;
  return toCsv(
    found.header,
    found.rows.map((row) => row.map((cell) => cell.text)),
  );
}
