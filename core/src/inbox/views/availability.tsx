/** @jsxImportSource hono/jsx */
/** The agent's availability picker in the top bar (online, away, offline); saves on change. */
import { CsrfField } from "./csrf.tsx";

export function AvailabilityForm(props: { value: "online" | "away" | "offline"; csrf: string }) {
  return (
    <form method="post" action="/inbox/me/availability" hx-post="/inbox/me/availability" hx-target="this" hx-swap="outerHTML">
      <CsrfField token={props.csrf} />
      <label class="sr-only" for="availability">
        Your availability
      </label>
      <select
        id="availability"
        name="availability"
        hx-trigger="change"
        hx-post="/inbox/me/availability"
        hx-target="closest form"
        hx-swap="outerHTML"
      >
        {(["online", "away", "offline"] as const).map((a) => (
          <option value={a} selected={props.value === a}>
            {a}
          </option>
        ))}
      </select>
      <noscript>
        <button>Set</button>
      </noscript>
    </form>
  );
}
