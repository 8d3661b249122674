// measureContact on contacts with many cases: repeat contacts and first-contact resolution found by
// binary search among the cases' starts equal the pairwise definition of docs/kpis.md (each case
// against every other), on random histories with equal starts, resolutions inside and outside the
// window, reopens, and resolutions before a case's first customer message (which it undoes); and
// countBelow's edges.
import { describe, expect, it } from "vitest";
import { BusinessCalendar } from "../business-hours/index.ts";
import { configSchema } from "../config/schema.ts";
import { countBelow } from "./aggregate.ts";
import { type ContactRows, type ConversationRow, type MessageRow, measureContact, type Sample } from "./measure.ts";
import { METRIC } from "./metrics.ts";

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const calendar = new BusinessCalendar(configSchema.parse({ business_hours: { timezone: "UTC" } }).business_hours);
const options = { calendarOf: () => calendar, repeatWindowMs: 7 * DAY, handleCapMs: 10 * MIN };

/** A small seeded generator, so a failure repeats. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

/** One contact with `count` single-conversation cases at random times over 60 days. */
function history(count: number, seed: number): ContactRows {
  const next = random(seed);
  const conversations: ConversationRow[] = [];
  const messages: MessageRow[] = [];
  let id = 1;
  const message = (conversationId: number, createdAt: number, fields: Partial<MessageRow>): MessageRow => ({
    id: id++,
    conversationId,
    direction: "incoming",
    authorAgentId: null,
    createdAt,
    automated: false,
    survey: false,
    activity: null,
    from: null,
    to: null,
    ...fields,
  });
  for (let c = 1; c <= count; c++) {
    conversations.push({ id: c, caseId: c, contactId: 1, inbox: "chat", channel: "webchat", teamId: null });
    // Whole days on purpose: many cases start at the same instant.
    const start = Math.floor(next() * 60) * DAY;
    const resolve = (at: number) =>
      message(c, at, { direction: "activity", authorAgentId: 1, activity: "status", from: "open", to: "resolved" });
    // A resolution before the first customer message, which that message undoes (a reopen).
    if (next() < 0.1) messages.push(resolve(start - Math.floor(next() * 3) * DAY));
    messages.push(message(c, start, {}));
    messages.push(message(c, start + MIN, { direction: "outgoing", authorAgentId: 1 }));
    if (next() < 0.7) messages.push(resolve(start + Math.floor(next() * 10) * DAY));
    if (next() < 0.1) messages.push(message(c, start + 11 * DAY, {}), resolve(start + 12 * DAY));
  }
  messages.sort((a, b) => a.createdAt - b.createdAt || a.id - b.id);
  return { conversations, messages, surveys: [], sla: [] };
}

/** The repeat and fcr samples by the definition: every case compared with every other one. */
function pairwise(samples: Sample[]): string[] {
  const starts = new Map(samples.filter((s) => s.metric === METRIC.case).map((s) => [s.caseId, s.at]));
  const resolutions = new Map(samples.filter((s) => s.metric === METRIC.resolution).map((s) => [s.caseId, s.at]));
  const reopened = new Set(samples.filter((s) => s.metric === METRIC.reopen).map((s) => s.caseId));
  const out: string[] = [];
  for (const [caseId, start] of starts) {
    const others = [...starts].filter(([other]) => other !== caseId).map(([, at]) => at);
    if (others.some((at) => at < start && at >= start - options.repeatWindowMs)) out.push(`repeat ${caseId} ${start} 1`);
    const resolvedAt = resolutions.get(caseId);
    if (resolvedAt === undefined) continue;
    const repeated = others.some((at) => at > resolvedAt && at <= resolvedAt + options.repeatWindowMs);
    out.push(`fcr ${caseId} ${resolvedAt} ${reopened.has(caseId) || repeated ? 0 : 1}`);
  }
  return out.sort();
}

const outcomes = (samples: Sample[]) =>
  samples
    .filter((s) => s.metric === METRIC.repeat || s.metric === METRIC.fcr)
    .map((s) => `${s.metric} ${s.caseId} ${s.at} ${s.value}`)
    .sort();

describe("measureContact's case outcomes", () => {
  it("equal the pairwise definition on random histories of 1 to 400 cases", () => {
    for (const [count, seed] of [
      [1, 1],
      [2, 2],
      [5, 3],
      [40, 4],
      [120, 5],
      [400, 6],
    ] as const) {
      const samples = measureContact(history(count, seed), options);
      const expected = pairwise(samples);
      expect(expected.length).toBeGreaterThan(0);
      expect(outcomes(samples)).toEqual(expected);
    }
  });

  it("in a history made to hold every case: a repeat, a first-contact resolution, and one spoilt by a later case", () => {
    const samples = measureContact(history(400, 6), options);
    const values = outcomes(samples);
    expect(values.some((v) => v.startsWith("repeat "))).toBe(true);
    expect(values.some((v) => v.startsWith("fcr ") && v.endsWith(" 1"))).toBe(true);
    expect(values.some((v) => v.startsWith("fcr ") && v.endsWith(" 0"))).toBe(true);
  });
});

describe("countBelow", () => {
  it("counts the values below, or at most, a value of a sorted list", () => {
    const list = [1, 2, 2, 5];
    expect([0, 1, 2, 3, 5, 6].map((v) => countBelow(list, v))).toEqual([0, 0, 1, 3, 3, 4]);
    expect([0, 1, 2, 3, 5, 6].map((v) => countBelow(list, v, true))).toEqual([0, 1, 3, 3, 4, 4]);
    expect(countBelow([], 1)).toBe(0);
  });
});
