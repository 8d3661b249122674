/**
 * Server-rendered SVG charts (d3-scale and d3-shape into template strings, no client code, a few
 * KB each): a line per series over days, and paired bars (this period against the one before).
 * Each has a <title>; the page puts an accessible table with the same numbers beside it.
 */
import { scaleBand, scaleLinear, scalePoint } from "d3-scale";
import { curveMonotoneX, line } from "d3-shape";

const W = 560;
const H = 200;
const M = { top: 12, right: 12, bottom: 28, left: 40 };
/** Colours by series index, distinguishable in light and dark themes. */
const COLORS = ["#2563eb", "#d97706", "#059669", "#db2777", "#7c3aed", "#0891b2", "#65a30d", "#dc2626"];

const esc = (text: string) => text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
const r1 = (n: number) => Math.round(n * 10) / 10;

function yAxis(y: ReturnType<typeof scaleLinear<number, number>>, format: (v: number) => string): string {
  return y
    .ticks(4)
    .map(
      (t) =>
        `<line x1="${M.left}" x2="${W - M.right}" y1="${r1(y(t))}" y2="${r1(y(t))}" stroke="currentColor" stroke-opacity=".15"/>` +
        `<text x="${M.left - 4}" y="${r1(y(t)) + 4}" text-anchor="end">${esc(format(t))}</text>`,
    )
    .join("");
}

function legend(names: string[]): string {
  return names
    .map(
      (name, i) =>
        `<rect x="${M.left + i * 110}" y="${H - 10}" width="8" height="8" fill="${COLORS[i % COLORS.length]}"/>` +
        `<text x="${M.left + i * 110 + 12}" y="${H - 2}">${esc(name)}</text>`,
    )
    .join("");
}

/**
 * A line per series over labelled points (days).
 *
 * @example
 * lineChart("Cases per day", ["Mon", "Tue"], [{ name: "email", values: [3, 5] }]);
 */
export function lineChart(
  title: string,
  labels: string[],
  series: { name: string; values: number[] }[],
  format: (v: number) => string = String,
): string {
  const x = scalePoint<string>()
    .domain(labels)
    .range([M.left + 8, W - M.right - 8]);
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const y = scaleLinear()
    .domain([0, max])
    .nice()
    .range([H - M.bottom - 8, M.top]);
  const path = line<number>()
    .x((_, i) => r1(x(labels[i]!) ?? 0))
    .y((v) => r1(y(v)))
    .curve(curveMonotoneX);
  const lines = series
    .map((s, i) => `<path d="${path(s.values) ?? ""}" fill="none" stroke="${COLORS[i % COLORS.length]}" stroke-width="2"/>`)
    .join("");
  const ticks = labels.map((l) => `<text x="${r1(x(l) ?? 0)}" y="${H - M.bottom + 6}" text-anchor="middle">${esc(l)}</text>`).join("");
  return svg(title, yAxis(y, format) + lines + ticks + legend(series.map((s) => s.name)));
}

/**
 * Two bars per group: this period and the one before.
 *
 * @example
 * pairedBars("Median first response", [{ name: "email", current: 300_000, previous: 420_000 }], minutes);
 */
export function pairedBars(
  title: string,
  groups: { name: string; current: number | null; previous: number | null }[],
  format: (v: number) => string = String,
): string {
  const x = scaleBand<string>()
    .domain(groups.map((g) => g.name))
    .range([M.left, W - M.right])
    .padding(0.3);
  const inner = scaleBand<string>().domain(["previous", "current"]).range([0, x.bandwidth()]).padding(0.1);
  const max = Math.max(1, ...groups.flatMap((g) => [g.current ?? 0, g.previous ?? 0]));
  const y = scaleLinear()
    .domain([0, max])
    .nice()
    .range([H - M.bottom - 8, M.top]);
  const bars = groups
    .map((g) =>
      (["previous", "current"] as const)
        .map((which, i) => {
          const v = g[which];
          if (v === null) return "";
          const top = r1(y(v));
          return `<rect x="${r1((x(g.name) ?? 0) + (inner(which) ?? 0))}" y="${top}" width="${r1(inner.bandwidth())}" height="${r1(y(0) - top)}" fill="${COLORS[i]}"/>`;
        })
        .join(""),
    )
    .join("");
  const ticks = groups
    .map((g) => `<text x="${r1((x(g.name) ?? 0) + x.bandwidth() / 2)}" y="${H - M.bottom + 6}" text-anchor="middle">${esc(g.name)}</text>`)
    .join("");
  return svg(title, yAxis(y, format) + bars + ticks + legend(["previous", "current"]));
}

function svg(title: string, body: string): string {
  return `<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(title)}" font-size="10" fill="currentColor"><title>${esc(title)}</title>${body}</svg>`;
}
