/** @jsxImportSource hono/jsx */
/** The labels admin page: each label with its color, to rename, recolor or delete; and a form to add one. */
import { CsrfField } from "../csrf.tsx";
import type { Notice } from "./notice.tsx";

export interface LabelRow {
  id: number;
  name: string;
  color: string | null;
  /** How many conversations carry it. */
  uses: number;
}

const COLOR_HINT = "Optional, as #rrggbb (for example #3b82f6).";

function LabelEdit(props: { label: LabelRow; csrf: string }) {
  const { label } = props;
  return (
    <form class="inline" method="post" action={`/admin/labels/${label.id}`}>
      <CsrfField token={props.csrf} />
      <label class="sr-only" for={`label-name-${label.id}`}>
        Name of {label.name}
      </label>
      <input id={`label-name-${label.id}`} name="name" value={label.name} required maxlength={64} />
      <label class="sr-only" for={`label-color-${label.id}`}>
        Color of {label.name}
      </label>
      <input
        id={`label-color-${label.id}`}
        name="color"
        value={label.color ?? ""}
        placeholder="#rrggbb"
        pattern="#[0-9a-fA-F]{6}"
        size={8}
      />
      <button>Save</button>
    </form>
  );
}

export function LabelsView(props: { labels: LabelRow[]; csrf: string; notice: Notice }) {
  const values = props.notice.values ?? {};
  return (
    <>
      {props.labels.length === 0 ? (
        <p class="muted">No labels yet. Agents put labels on conversations to sort them.</p>
      ) : (
        <table>
          <caption class="sr-only">Labels</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Color</th>
              <th scope="col">Conversations</th>
              <th scope="col">Rename or recolor</th>
              <th scope="col">Delete</th>
            </tr>
          </thead>
          <tbody>
            {props.labels.map((l) => (
              <tr>
                <th scope="row">{l.name}</th>
                <td>
                  {l.color ? (
                    <>
                      <span class="swatch" style={`background:${l.color}`} aria-hidden="true"></span> {l.color}
                    </>
                  ) : (
                    <span class="muted">none</span>
                  )}
                </td>
                <td>{l.uses}</td>
                <td>
                  <LabelEdit label={l} csrf={props.csrf} />
                </td>
                <td>
                  <form method="post" action={`/admin/labels/${l.id}/delete`}>
                    <CsrfField token={props.csrf} />
                    <button class="danger" aria-label={`Delete the label ${l.name}`}>
                      Delete
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Add a label</h2>
      <form class="admin-form" method="post" action="/admin/labels">
        <CsrfField token={props.csrf} />
        <label for="new-label-name">Name</label>
        <input id="new-label-name" name="name" required maxlength={64} value={values.name ?? ""} />
        <label for="new-label-color">Color</label>
        <input
          id="new-label-color"
          name="color"
          placeholder="#rrggbb"
          pattern="#[0-9a-fA-F]{6}"
          aria-describedby="new-label-color-hint"
          value={values.color ?? ""}
        />
        <small id="new-label-color-hint" class="muted">
          {COLOR_HINT}
        </small>
        <button class="primary">Add label</button>
      </form>
    </>
  );
}
