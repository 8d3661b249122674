/** @jsxImportSource hono/jsx */
/**
 * The custom attributes form of the contact sidebar (contact or conversation attributes): one field
 * per attribute defined in config, typed (text, number, date, list, checkbox), saved in place.
 */
import type { AttributeDefinition } from "../../config/identity.ts";
import { CsrfField } from "./csrf.tsx";

function Field(props: { id: string; name: string; def: AttributeDefinition; value: unknown }) {
  const { def, value } = props;
  const text = value === undefined || value === null ? "" : String(value);
  switch (def.type) {
    case "checkbox":
      return <input id={props.id} type="checkbox" name={props.name} value="true" checked={value === true} />;
    case "list":
      return (
        <select id={props.id} name={props.name}>
          <option value="">—</option>
          {def.options!.map((o) => (
            <option value={o} selected={o === text}>
              {o}
            </option>
          ))}
        </select>
      );
    case "number":
      return <input id={props.id} type="number" step="any" name={props.name} value={text} />;
    case "date":
      return <input id={props.id} type="date" name={props.name} value={text} />;
    default:
      return <input id={props.id} type="text" name={props.name} value={text} maxlength={1000} />;
  }
}

/**
 * A form for the attributes `defs`, posting to `action`; renders nothing when none are defined.
 *
 * @example
 * <AttributeForm title="Contact" action="/inbox/conversations/4/contact-attributes" defs={defs} values={contact.attributes} csrf={csrf} />
 */
export function AttributeForm(props: {
  title: string;
  action: string;
  defs: Record<string, AttributeDefinition>;
  values: Record<string, unknown>;
  csrf: string;
}) {
  const entries = Object.entries(props.defs);
  if (entries.length === 0) return null;
  const prefix = props.title.toLowerCase().replace(/\W+/g, "-");
  return (
    <form
      class="attributes"
      method="post"
      action={props.action}
      hx-post={props.action}
      hx-target="#contact-sidebar"
      hx-swap="outerHTML"
      aria-label={`${props.title} attributes`}
    >
      <CsrfField token={props.csrf} />
      <h2>{props.title} attributes</h2>
      <dl>
        {entries.map(([key, def]) => (
          <>
            <dt>
              <label for={`${prefix}-${key}`}>{def.label ?? key}</label>
            </dt>
            <dd>
              <Field id={`${prefix}-${key}`} name={key} def={def} value={props.values[key]} />
            </dd>
          </>
        ))}
      </dl>
      <button>Save</button>
    </form>
  );
}
