/** @jsxImportSource hono/jsx */
/**
 * The list's bulk bar: the rows' checkboxes belong to this form (form="bulk-form"); one of its
 * buttons applies a change to every selected conversation (routes/bulk.ts). static/bulk.js shows
 * how many are selected, keeps the selection across live refreshes, and selects all.
 */
import { CsrfField } from "./csrf.tsx";

export interface BulkOptions {
  agents: { id: number; name: string }[];
  labels: { id: number; name: string }[];
  csrf: string;
  /** The list's URL, to come back to. */
  back: string;
}

export function BulkBar(props: BulkOptions) {
  return (
    <form id="bulk-form" class="bulk" method="post" action="/inbox/bulk" aria-label="Change the selected conversations" data-bulk>
      <CsrfField token={props.csrf} />
      <input type="hidden" name="back" value={props.back} />
      <label class="bulk-all">
        <input type="checkbox" data-bulk-all /> <span data-bulk-count>Select</span>
      </label>
      <span class="bulk-actions">
        <label class="sr-only" for="bulk-assignee">
          Assign the selected to
        </label>
        <select id="bulk-assignee" name="assignee">
          <option value="">Nobody</option>
          {props.agents.map((a) => (
            <option value={String(a.id)}>{a.name}</option>
          ))}
        </select>
        <button name="op" value="assign">
          Assign
        </button>
        <label class="sr-only" for="bulk-status">
          Status of the selected
        </label>
        <select id="bulk-status" name="status">
          <option value="resolved">resolved</option>
          <option value="pending">pending</option>
          <option value="open">open</option>
        </select>
        <button name="op" value="status">
          Set status
        </button>
        {props.labels.length ? (
          <>
            <label class="sr-only" for="bulk-label">
              Label to add to the selected
            </label>
            <select id="bulk-label" name="label">
              {props.labels.map((l) => (
                <option value={l.name}>{l.name}</option>
              ))}
            </select>
            <button name="op" value="label">
              Add label
            </button>
          </>
        ) : null}
        <label class="sr-only" for="bulk-priority">
          Priority of the selected
        </label>
        <select id="bulk-priority" name="priority">
          {(["urgent", "high", "medium", "low", "none"] as const).map((p) => (
            <option value={p}>{p === "none" ? "no priority" : p}</option>
          ))}
        </select>
        <button name="op" value="priority">
          Set priority
        </button>
      </span>
    </form>
  );
}

/** A row's checkbox, outside its link (a control inside a link is not allowed). */
export function RowSelect(props: { id: number; name: string }) {
  return (
    <input type="checkbox" class="row-select" name="ids" value={String(props.id)} form="bulk-form" aria-label={`Select ${props.name}`} />
  );
}
