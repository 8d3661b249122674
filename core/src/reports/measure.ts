/**
 * The KPI samples of one contact's cases, computed from their raw rows (docs/kpis.md): waits across
 * the conversations of a case, first and next responses, resolution, first-contact resolution,
 * repeat contacts, channel switches, handle time, surveys and SLA outcomes. Pure: the rows come from
 * raw.ts, the result goes to rollups.ts (report_samples and report_rollups).
 */
import type { BusinessCalendar } from "../business-hours/index.ts";
import { countBelow } from "./aggregate.ts";
import { METRIC, slaMetric, switchMetric } from "./metrics.ts";

export interface ConversationRow {
  id: number;
  caseId: number;
  contactId: number;
  inbox: string;
  channel: string;
  teamId: number | null;
}

export interface MessageRow {
  id: number;
  conversationId: number;
  direction: "incoming" | "outgoing" | "note" | "activity";
  authorAgentId: number | null;
  createdAt: number;
  /** An auto-reply or a bot (`metadata.autoReply`, `metadata.bot`). */
  automated: boolean;
  /** A survey answer (`metadata.survey`). */
  survey: boolean;
  /** `metadata.activity` of an activity entry ("status", "merge", ...). */
  activity: string | null;
  /** `metadata.from` / `metadata.to` of a status activity. */
  from: string | null;
  to: string | null;
}

export interface SurveyRow {
  conversationId: number;
  score: number | null;
  ces: number | null;
  nps: number | null;
  answeredAt: number;
}

export interface SlaRow {
  conversationId: number;
  target: string;
  outcome: "hit" | "miss";
  startedAt: number;
}

export interface Sample {
  contactId: number;
  caseId: number;
  conversationId: number;
  metric: string;
  at: number;
  inbox: string;
  channel: string;
  teamId: number;
  agentId: number;
  value: number;
  businessValue: number | null;
}

export interface MeasureOptions {
  calendarOf(conversation: ConversationRow): BusinessCalendar;
  /** [reports] repeat_window_days, in ms. */
  repeatWindowMs: number;
  /** [reports] handle_cap_minutes, in ms. */
  handleCapMs: number;
}

export interface ContactRows {
  /** The contact's conversations, merged-away ones left out. */
  conversations: ConversationRow[];
  /** Their messages, by (createdAt, id). */
  messages: MessageRow[];
  surveys: SurveyRow[];
  sla: SlaRow[];
}

interface CaseResult {
  caseId: number;
  start: number;
  resolvedAt: number | null;
  reopened: boolean;
  first: ConversationRow;
}

/**
 * Every sample of one contact's cases.
 *
 * @example
 * const samples = measureContact(rows, { calendarOf, repeatWindowMs: 7 * DAY, handleCapMs: 600_000 });
 */
export function measureContact(rows: ContactRows, options: MeasureOptions): Sample[] {
  const out: Sample[] = [];
  const steps = measuring(rows, options, out);
  while (!steps.next().done);
  return out;
}

/**
 * measureContact, awaiting `pause` after each case: a contact with 1,000 cases is 14 ms of work
 * (issue 22's stall target is 20 ms), and a Slicer's pause gives the event loop a turn in between.
 *
 * @example
 * const slicer = new Slicer(4);
 * const samples = await measureContactPausing(rows, options, () => slicer.pause());
 */
export async function measureContactPausing(rows: ContactRows, options: MeasureOptions, pause: () => Promise<void>): Promise<Sample[]> {
  const out: Sample[] = [];
  for (const steps = measuring(rows, options, out); !steps.next().done; ) await pause();
  return out;
}

/** measureContact's work into `out`, one case a step. */
function* measuring(rows: ContactRows, options: MeasureOptions, out: Sample[]): Generator<void, void, void> {
  const byId = new Map(rows.conversations.map((c) => [c.id, c]));
  const sample = (c: ConversationRow, metric: string, at: number, value: number, businessValue: number | null, agentId = 0) =>
    out.push({
      contactId: c.contactId,
      caseId: c.caseId,
      conversationId: c.id,
      metric,
      at,
      inbox: c.inbox,
      channel: c.channel,
      teamId: c.teamId ?? 0,
      agentId,
      value,
      businessValue,
    });

  handleTimes(rows.messages, byId, options.handleCapMs, sample);
  // Each case's conversations and messages (in their order), in one pass over each: filtering the
  // messages once per case was cases × messages, 2.8 s for a contact with 5,000 cases (issue 22).
  const cases = new Map<number, { members: ConversationRow[]; messages: MessageRow[] }>();
  for (const c of rows.conversations) {
    const entry = cases.get(c.caseId);
    if (entry) entry.members.push(c);
    else cases.set(c.caseId, { members: [c], messages: [] });
  }
  for (const m of rows.messages) {
    const c = byId.get(m.conversationId);
    if (c) cases.get(c.caseId)!.messages.push(m);
  }
  const results: CaseResult[] = [];
  for (const [caseId, { members, messages }] of cases) {
    const result = measureCase(caseId, members, messages, byId, options, sample);
    if (result) results.push(result);
    yield;
  }
  caseOutcomes(results, options.repeatWindowMs, sample);

  for (const s of rows.surveys) {
    const c = byId.get(s.conversationId);
    if (!c) continue;
    if (s.score !== null) sample(c, METRIC.csat, s.answeredAt, s.score, null);
    if (s.ces !== null) sample(c, METRIC.ces, s.answeredAt, s.ces, null);
    if (s.nps !== null) sample(c, METRIC.nps, s.answeredAt, s.nps, null);
  }
  for (const k of rows.sla) {
    const c = byId.get(k.conversationId);
    if (c) sample(c, slaMetric(k.target, k.outcome), k.startedAt, 1, null);
  }
}

type Emit = (c: ConversationRow, metric: string, at: number, value: number, businessValue: number | null, agentId?: number) => void;

/** Handle time: per agent action, the time since the conversation's previous message, capped. */
function handleTimes(messages: MessageRow[], byId: Map<number, ConversationRow>, capMs: number, sample: Emit): void {
  const previous = new Map<number, number>();
  for (const m of messages) {
    const c = byId.get(m.conversationId);
    if (!c) continue;
    const before = previous.get(m.conversationId);
    previous.set(m.conversationId, m.createdAt);
    if (m.authorAgentId === null || m.direction === "incoming" || m.automated) continue;
    sample(c, METRIC.handle, m.createdAt, before === undefined ? 0 : Math.min(m.createdAt - before, capMs), null, m.authorAgentId);
  }
}

/** One case: its customer messages, waits, reopens, switches and resolution. */
function measureCase(
  caseId: number,
  conversations: ConversationRow[],
  messages: MessageRow[],
  byId: Map<number, ConversationRow>,
  options: MeasureOptions,
  sample: Emit,
): CaseResult | undefined {
  const resolved = new Map<number, { at: number; by: number }>();
  const members = conversations.map((c) => c.id);
  let waiting: { at: number; c: ConversationRow } | null = null;
  let answered = false;
  let start: number | null = null;
  let first: ConversationRow | undefined;
  let reopened = false;
  /** The channels of the case's conversations, in the order the customer first wrote on each. */
  const channels: string[] = [];
  const seen = new Set<number>();

  const reopen = (c: ConversationRow, at: number) => {
    if (!resolved.delete(c.id)) return;
    reopened = true;
    sample(c, METRIC.reopen, at, 1, null);
  };
  for (const m of messages) {
    const c = byId.get(m.conversationId)!;
    if (m.direction === "incoming") {
      if (m.survey) continue;
      reopen(c, m.createdAt);
      if (m.automated) continue;
      sample(c, METRIC.customerMessage, m.createdAt, 1, null);
      if (start === null) {
        start = m.createdAt;
        first = c;
      }
      if (!seen.has(c.id)) {
        seen.add(c.id);
        channels.push(c.channel);
      }
      if (!waiting) waiting = { at: m.createdAt, c };
    } else if (m.direction === "outgoing" && m.authorAgentId !== null && !m.automated) {
      if (waiting) {
        const business = options.calendarOf(waiting.c).businessTimeBetween(waiting.at, m.createdAt);
        const metric = answered ? METRIC.nextResponse : METRIC.firstResponse;
        sample(waiting.c, metric, waiting.at, m.createdAt - waiting.at, business, m.authorAgentId);
        answered = true;
        waiting = null;
      }
    } else if (m.direction === "activity" && m.activity === "status") {
      if (m.to === "resolved") {
        resolved.set(c.id, { at: m.createdAt, by: m.authorAgentId ?? 0 });
        if (members.every((id) => resolved.has(id))) waiting = null;
      } else if (m.from === "resolved") reopen(c, m.createdAt);
    }
  }
  if (start === null || !first) return undefined;
  sample(first, METRIC.case, start, 1, null);
  if (new Set(channels).size > 1) sample(first, METRIC.caseSwitched, start, 1, null);
  for (let i = 1; i < channels.length; i++) {
    if (channels[i] !== channels[i - 1]) sample(first, switchMetric(channels[i - 1]!, channels[i]!), start, 1, null);
  }

  let resolvedAt: number | null = null;
  if (members.every((id) => resolved.has(id))) {
    const last = [...resolved.values()].reduce((a, b) => (b.at > a.at ? b : a));
    resolvedAt = last.at;
    const business = options.calendarOf(first).businessTimeBetween(start, last.at);
    sample(first, METRIC.resolution, last.at, last.at - start, business, last.by);
  }
  return { caseId, start, resolvedAt, reopened, first };
}

/**
 * First-contact resolution and repeat contacts: each case against the contact's other cases, found
 * by binary search among the cases' sorted starts (comparing every pair was cases², issue 22).
 */
function caseOutcomes(results: CaseResult[], windowMs: number, sample: Emit): void {
  const starts = results.map((r) => r.start).sort((a, b) => a - b);
  for (const r of results) {
    // Another case started in [start - window, start); this one's own start is not below itself.
    const before = countBelow(starts, r.start) - countBelow(starts, r.start - windowMs);
    if (before > 0) sample(r.first, METRIC.repeat, r.start, 1, null);
    if (r.resolvedAt !== null) {
      const resolvedAt = r.resolvedAt;
      // Another case started in (resolvedAt, resolvedAt + window]. Never this one: it starts at or
      // before its resolution (the customer's first message reopens what was resolved before it).
      const after = countBelow(starts, resolvedAt + windowMs, true) - countBelow(starts, resolvedAt, true);
      sample(r.first, METRIC.fcr, resolvedAt, r.reopened || after > 0 ? 0 : 1, null);
    }
  }
}
