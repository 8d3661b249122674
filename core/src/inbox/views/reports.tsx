/** @jsxImportSource hono/jsx */
/**
 * The Reports area: the filter form, the KPI tables (every number links to its conversations),
 * server-rendered SVG charts each beside an accessible table, the channel audit, the continuity
 * score, CSV links; the drill-down list; and the context-continuity review queue.
 */
import { raw } from "hono/html";
import type { Child } from "hono/jsx";
import type { Dashboard } from "../../reports/dashboard.ts";
import type { DrillRow } from "../../reports/drill.ts";
import { type ReportQuery, reportHref } from "../../reports/query.ts";
import type { ReviewItem } from "../../reports/review.ts";
import { duration, percent, type Table } from "../../reports/tables.ts";
import type { PageContext } from "../env.ts";
import { CsrfField } from "./csrf.tsx";
import { Layout } from "./layout.tsx";

export interface FilterChoices {
  inboxes: string[];
  channels: string[];
  teams: { id: number; name: string }[];
  agents: { id: number; name: string }[];
  labels: string[];
}

function ReportsNav(props: { current: "reports" | "review" }) {
  return (
    <nav class="views" aria-label="Reports">
      <h2>Reports</h2>
      <a href="/inbox/reports" aria-current={props.current === "reports" ? "page" : undefined}>
        Weekly review
      </a>
      <a href="/inbox/reports/review" aria-current={props.current === "review" ? "page" : undefined}>
        Continuity review
      </a>
      <h2>Inbox</h2>
      <a href="/inbox">Back to conversations</a>
    </nav>
  );
}

function Shell(props: { title: string; page: PageContext; current: "reports" | "review"; children: Child }) {
  return (
    <Layout title={props.title} page={props.page} nav={<ReportsNav current={props.current} />}>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scroll area must be focusable to be scrolled by keyboard (WCAG 2.1.1). */}
      <main class="admin reports" id="main" tabIndex={0} aria-labelledby="reports-title">
        <h1 id="reports-title">{props.title}</h1>
        {props.children}
      </main>
    </Layout>
  );
}

function Select(props: { name: string; label: string; value?: string | number; options: { value: string | number; label: string }[] }) {
  return (
    <label>
      {props.label}{" "}
      <select name={props.name}>
        <option value="">All</option>
        {props.options.map((o) => (
          <option value={String(o.value)} selected={String(o.value) === String(props.value ?? "")}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}

function Filters(props: { q: ReportQuery; choices: FilterChoices }) {
  const { q, choices } = props;
  return (
    <form class="report-filters" method="get" action="/inbox/reports">
      <label>
        From <input type="date" name="from" value={q.from ?? ""} />
      </label>
      <label>
        To <input type="date" name="to" value={q.to ?? ""} />
      </label>
      <Select name="inbox" label="Inbox" value={q.inbox} options={choices.inboxes.map((i) => ({ value: i, label: i }))} />
      <Select name="channel" label="Channel" value={q.channel} options={choices.channels.map((c) => ({ value: c, label: c }))} />
      <Select name="team" label="Team" value={q.team} options={choices.teams.map((t) => ({ value: t.id, label: t.name }))} />
      <Select name="agent" label="Agent" value={q.agent} options={choices.agents.map((a) => ({ value: a.id, label: a.name }))} />
      <Select name="label" label="Label" value={q.label} options={choices.labels.map((l) => ({ value: l, label: l }))} />
      <label>
        <input type="checkbox" name="hours" value="business" checked={q.hours === "business"} /> Business hours
      </label>
      <button>Apply</button>
    </form>
  );
}

/** A table of the page, with its CSV link. */
export function TableView(props: { table: Table; q: ReportQuery }) {
  const { table } = props;
  return (
    <div class="report-table" id={`table-${table.id}`}>
      <table>
        <caption>
          {table.caption}{" "}
          <a class="csv" href={reportHref("/inbox/reports/export.csv", props.q, { table: table.id })}>
            CSV
          </a>
        </caption>
        <thead>
          <tr>
            {table.header.map((h) => (
              <th scope="col">{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {table.rows.map((row) => (
            <tr>
              {row.map((cell, i) =>
                i === 0 ? (
                  <th scope="row">{cell.text}</th>
                ) : (
                  <td>{cell.href && cell.text !== "–" ? <a href={cell.href}>{cell.text}</a> : cell.text}</td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Chart(props: { svg: string; table: Table; q: ReportQuery }) {
  return (
    <figure class="report-chart">
      {raw(props.svg)}
      <TableView table={props.table} q={props.q} />
    </figure>
  );
}

export function ReportsPage(props: {
  page: PageContext;
  dashboard: Dashboard;
  q: ReportQuery;
  choices: FilterChoices;
  tables: Table[];
  charts: { frt: string; frtTable: Table; volume: string };
}) {
  const { dashboard: d, q, tables } = props;
  const table = (id: string) => tables.find((t) => t.id === id)!;
  const c = d.continuity;
  return (
    <Shell title="Reports" page={props.page} current="reports">
      <Filters q={q} choices={props.choices} />
      <p class="report-period">
        {props.tables.length ? `${d.business ? "Business" : "Clock"} time, ${d.timeZone}. ` : null}
        <a href={reportHref("/inbox/reports/export.csv", q, { table: "conversations" })}>One row per conversation (CSV)</a>
      </p>
      <h2>Weekly review</h2>
      <TableView table={table("channels")} q={q} />
      <h2>Charts</h2>
      <Chart svg={props.charts.frt} table={props.charts.frtTable} q={q} />
      <Chart svg={props.charts.volume} table={table("daily")} q={q} />
      <h2>Channel audit</h2>
      <TableView table={table("audit")} q={q} />
      <h2>Cross-channel health</h2>
      <p>
        Context continuity:{" "}
        <strong>
          {percent(c.score)} of {c.yes + c.no} reviewed
        </strong>{" "}
        (target {percent(c.target)}; {c.pending} waiting in the <a href="/inbox/reports/review">review queue</a>).
      </p>
      <TableView table={table("switches")} q={q} />
      <p id="csat-consistency">
        CSAT consistency across channels: spread{" "}
        <strong>{d.csatConsistency.spread === null ? "–" : percent(d.csatConsistency.spread)}</strong> between the highest and lowest
        channel ({d.csatConsistency.byChannel.map((c) => `${c.channel} ${percent(c.rate)}`).join(", ") || "no answers"}).
      </p>
      <h2>Operations</h2>
      <TableView table={table("utilisation")} q={q} />
      <p id="assistant-acceptance">
        AI suggestion acceptance: <strong>{percent(d.assistant.rate)}</strong> (used {d.assistant.used}, edited {d.assistant.edited},
        ignored {d.assistant.ignored}; {d.assistant.shown} not decided yet).{" "}
        <a href={reportHref("/inbox/reports/export.csv", q, { table: "assistant" })}>CSV</a>
      </p>
    </Shell>
  );
}

export function DrillPage(props: { page: PageContext; q: ReportQuery; rows: DrillRow[]; title: string; business: boolean; limit: number }) {
  return (
    <Shell title={props.title} page={props.page} current="reports">
      <p>
        <a href={reportHref("/inbox/reports", { ...props.q, metric: undefined, period: undefined, value: undefined })}>
          Back to the report
        </a>
      </p>
      <table>
        <caption>
          {props.rows.length} measurement{props.rows.length === 1 ? "" : "s"}
          {props.rows.length === props.limit ? ` (the newest ${props.limit})` : ""}
        </caption>
        <thead>
          <tr>
            <th scope="col">Conversation</th>
            <th scope="col">Customer</th>
            <th scope="col">Channel</th>
            <th scope="col">Status</th>
            <th scope="col">When</th>
            <th scope="col">Value</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r) => (
            <tr>
              <th scope="row">
                <a href={`/inbox/conversations/${r.conversationId}`}>#{r.conversationId}</a>
              </th>
              <td>{r.contactName ?? "–"}</td>
              <td>{r.channel}</td>
              <td>{r.status}</td>
              <td>
                <time datetime={new Date(r.at).toISOString()}>{new Date(r.at).toISOString().slice(0, 16).replace("T", " ")} UTC</time>
              </td>
              <td>{valueText(props.q.metric ?? "", props.business && r.businessValue !== null ? r.businessValue : r.value)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Shell>
  );
}

const DURATIONS = new Set(["first_response", "next_response", "resolution", "handle"]);
const valueText = (metric: string, value: number) => (DURATIONS.has(metric) ? duration(value) : String(value));

export function ReviewPage(props: { page: PageContext; items: ReviewItem[]; week: string; canAnswer: boolean }) {
  const answered = props.items.filter((i) => i.answer !== null);
  const yes = answered.filter((i) => i.answer === "yes").length;
  return (
    <Shell title="Continuity review" page={props.page} current="review">
      <p>
        Week of {props.week}: did the agent acknowledge the earlier interaction? Score{" "}
        <strong id="continuity-score">{answered.length ? percent(yes / answered.length) : "–"}</strong> of {answered.length} answered
        (target 90%).
      </p>
      {props.items.length === 0 ? <p>No cross-channel cases this week yet.</p> : null}
      <ol class="review-queue">
        {props.items.map((item) => (
          <li id={`review-${item.caseId}`}>
            <a href={`/inbox/conversations/${item.conversationId}`}>
              Case #{item.caseId}: {item.contactName ?? "a customer"} on {item.channel}
            </a>{" "}
            {item.answer ? <strong>Answered: {item.answer}</strong> : <span>Not reviewed</span>}
            {props.canAnswer ? (
              <form method="post" action={`/inbox/reports/review/${item.caseId}`}>
                <CsrfField token={props.page.session.csrfToken} />
                <button name="answer" value="yes">
                  Yes
                </button>
                <button name="answer" value="no">
                  No
                </button>
              </form>
            ) : null}
          </li>
        ))}
      </ol>
    </Shell>
  );
}
