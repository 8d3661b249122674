/** @jsxImportSource hono/jsx */
/**
 * The canned responses admin page: each saved reply (its /shortcut and text) to edit or delete,
 * and a form to add one. Agents insert them in the composer by typing /shortcut.
 */
import { CsrfField } from "../csrf.tsx";
import type { Notice } from "./notice.tsx";

export interface CannedRow {
  id: number;
  shortcut: string;
  text: string;
}

const SHORTCUT_PATTERN = "[a-z0-9\\-]+";

function CannedFields(props: { idPrefix: string; shortcut: string; text: string }) {
  const { idPrefix } = props;
  return (
    <>
      <label for={`${idPrefix}-shortcut`}>Shortcut</label>
      <input
        id={`${idPrefix}-shortcut`}
        name="shortcut"
        required
        maxlength={64}
        pattern={SHORTCUT_PATTERN}
        value={props.shortcut}
        aria-describedby="shortcut-hint"
      />
      <label for={`${idPrefix}-text`}>Text</label>
      <textarea id={`${idPrefix}-text`} name="text" required maxlength={10000} rows={4}>
        {props.text}
      </textarea>
    </>
  );
}

export function CannedView(props: { responses: CannedRow[]; csrf: string; notice: Notice }) {
  const values = props.notice.values ?? {};
  return (
    <>
      <p id="shortcut-hint" class="muted">
        A shortcut uses lowercase letters, digits and dashes (such as <code>refund-policy</code>); agents type <code>/refund-policy</code>{" "}
        in the composer to insert its text.
      </p>
      {props.responses.length === 0 ? (
        <p class="muted">No canned responses yet.</p>
      ) : (
        <table>
          <caption class="sr-only">Canned responses</caption>
          <thead>
            <tr>
              <th scope="col">Shortcut</th>
              <th scope="col">Text</th>
              <th scope="col">Edit</th>
              <th scope="col">Delete</th>
            </tr>
          </thead>
          <tbody>
            {props.responses.map((r) => (
              <tr>
                <th scope="row">
                  <code>/{r.shortcut}</code>
                </th>
                <td class="prewrap">{r.text}</td>
                <td>
                  <details>
                    <summary>Edit /{r.shortcut}</summary>
                    <form class="admin-form" method="post" action={`/admin/canned-responses/${r.id}`}>
                      <CsrfField token={props.csrf} />
                      <CannedFields idPrefix={`canned-${r.id}`} shortcut={r.shortcut} text={r.text} />
                      <button>Save</button>
                    </form>
                  </details>
                </td>
                <td>
                  <form method="post" action={`/admin/canned-responses/${r.id}/delete`}>
                    <CsrfField token={props.csrf} />
                    <button class="danger" aria-label={`Delete /${r.shortcut}`}>
                      Delete
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Add a canned response</h2>
      <form class="admin-form" method="post" action="/admin/canned-responses">
        <CsrfField token={props.csrf} />
        <CannedFields idPrefix="new-canned" shortcut={values.shortcut ?? ""} text={values.text ?? ""} />
        <button class="primary">Add canned response</button>
      </form>
    </>
  );
}
