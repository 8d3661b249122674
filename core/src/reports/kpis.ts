/**
 * The KPIs of docs/kpis.md from aggregated samples (per metric): counts, rates, and n / mean /
 * median / p90 of durations (clock or business time) and survey scores.
 */
import { type Agg, emptyAgg } from "./aggregate.ts";
import { METRIC } from "./metrics.ts";
import { percentile, type Summary } from "./stats.ts";

/** A share: `n` of `of`, and n / of (null when of is 0). */
export interface Rate {
  n: number;
  of: number;
  rate: number | null;
}

export interface KpiReport {
  cases: number;
  customerMessages: number;
  /** Cases on more than one channel, of all cases; with each from → to switch counted. */
  switching: Rate & { switches: { from: string; to: string; n: number }[] };
  repeat: Rate;
  fcr: Rate;
  reopens: number;
  /** Durations in ms (business ms when asked for). */
  firstResponse: Summary;
  nextResponse: Summary;
  resolution: Summary;
  csat: Summary & { satisfied: Rate };
  ces: Summary;
  nps: { n: number; score: number | null };
  handleMs: number;
  /** Handle time × hourly cost ÷ resolved cases; null without a cost or a resolution. */
  costPerResolution: number | null;
  sla: { target: string; hit: number; miss: number; rate: number | null }[];
}

export const SLA_TARGETS = ["first_response", "next_response", "resolution"] as const;

const rate = (n: number, of: number): Rate => ({ n, of, rate: of > 0 ? n / of : null });

function summary(agg: Agg, business: boolean): Summary {
  const values = business ? agg.businessValues : agg.values;
  const sum = business ? agg.businessSum : agg.sum;
  if (agg.n === 0) return { n: 0, mean: null, median: null, p90: null };
  return { n: agg.n, mean: sum / agg.n, median: percentile(values, 50), p90: percentile(values, 90) };
}

/**
 * The KPIs of some aggregated samples.
 *
 * @example
 * const week = kpiReport(aggs, { business: true, hourlyCost: 30 });
 */
export function kpiReport(aggs: ReadonlyMap<string, Agg>, options: { business: boolean; hourlyCost: number }): KpiReport {
  const of = (metric: string) => aggs.get(metric) ?? emptyAgg();
  const cases = of(METRIC.case).n;
  const switches = [...aggs]
    .filter(([metric]) => metric.startsWith("switch:"))
    .map(([metric, agg]) => {
      const [from, to] = metric.slice("switch:".length).split(">");
      return { from: from!, to: to!, n: agg.n };
    })
    .sort((a, b) => b.n - a.n || a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
  const csat = of(METRIC.csat);
  const nps = of(METRIC.nps);
  const resolved = of(METRIC.resolution).n;
  const handleMs = of(METRIC.handle).sum;
  return {
    cases,
    customerMessages: of(METRIC.customerMessage).n,
    switching: { ...rate(of(METRIC.caseSwitched).n, cases), switches },
    repeat: rate(of(METRIC.repeat).n, cases),
    fcr: rate(of(METRIC.fcr).sum, of(METRIC.fcr).n),
    reopens: of(METRIC.reopen).n,
    firstResponse: summary(of(METRIC.firstResponse), options.business),
    nextResponse: summary(of(METRIC.nextResponse), options.business),
    resolution: summary(of(METRIC.resolution), options.business),
    csat: { ...summary(csat, false), satisfied: rate(csat.values.filter((v) => v >= 4).length, csat.n) },
    ces: summary(of(METRIC.ces), false),
    nps: {
      n: nps.n,
      score:
        nps.n > 0 ? Math.round((100 * (nps.values.filter((v) => v >= 9).length - nps.values.filter((v) => v <= 6).length)) / nps.n) : null,
    },
    handleMs,
    costPerResolution: options.hourlyCost > 0 && resolved > 0 ? ((handleMs / 3_600_000) * options.hourlyCost) / resolved : null,
    sla: SLA_TARGETS.map((target) => {
      const hit = of(`sla:${target}:hit`).n;
      const miss = of(`sla:${target}:miss`).n;
      return { target, hit, miss, rate: hit + miss > 0 ? hit / (hit + miss) : null };
    }),
  };
}
