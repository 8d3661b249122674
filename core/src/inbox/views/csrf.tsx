/** @jsxImportSource hono/jsx */
/** The hidden CSRF field every plain form carries (htmx requests send the header instead). */
export const CSRF_FIELD = "_csrf";

export function CsrfField(props: { token: string }) {
  return <input type="hidden" name={CSRF_FIELD} value={props.token} />;
}
