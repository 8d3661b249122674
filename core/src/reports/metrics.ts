/**
 * The names of the samples reports keep (docs/kpis.md defines each). A sample is one measured value
 * at one instant; the KPIs are sums, shares and percentiles of samples.
 */

export const METRIC = {
  /** A case started (its first customer message); value 1. */
  case: "case",
  /** A case with conversations on more than one channel; value 1, at the case's start. */
  caseSwitched: "case_switched",
  /** A case whose contact started another case within the window before; value 1. */
  repeat: "repeat",
  /** A customer message; value 1. */
  customerMessage: "customer_message",
  firstResponse: "first_response",
  nextResponse: "next_response",
  /** A case resolved; value: its total resolution time. */
  resolution: "resolution",
  /** A resolved case: 1 when resolved at first contact, else 0. */
  fcr: "fcr",
  /** A conversation reopened; value 1. */
  reopen: "reopen",
  /** An agent action's handle time. */
  handle: "handle",
  csat: "csat",
  ces: "ces",
  nps: "nps",
} as const;

/**
 * The metric of one channel switch inside a case ("switch:webchat>email").
 *
 * @example
 * switchMetric("webchat", "email"); // "switch:webchat>email"
 */
export const switchMetric = (from: string, to: string) => `switch:${from}>${to}`;

/**
 * The metric of an SLA clock's outcome ("sla:first_response:hit").
 *
 * @example
 * slaMetric("first_response", "miss");
 */
export const slaMetric = (target: string, outcome: "hit" | "miss") => `sla:${target}:${outcome}`;
