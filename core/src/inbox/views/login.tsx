/** @jsxImportSource hono/jsx */
/** The sign-in page; its form carries the sign-in CSRF token (see auth/login-csrf.ts). */
import type { PageContext } from "../env.ts";
import { CsrfField } from "./csrf.tsx";
import { Document } from "./layout.tsx";

export function LoginPage(props: {
  page: Pick<PageContext, "assets" | "theme">;
  token: string;
  error?: string;
  email?: string;
  next?: string;
}) {
  const Aside = props.page.theme.slots["login.aside"];
  return (
    <Document title="Sign in" page={props.page}>
      <main class="login">
        <h1>Sign in to Switchboard</h1>
        {props.error ? (
          <p class="error" role="alert">
            {props.error}
          </p>
        ) : null}
        <form method="post" action="/login">
          <CsrfField token={props.token} />
          <input type="hidden" name="next" value={props.next ?? "/inbox"} />
          <label for="email">Email</label>
          <input id="email" name="email" type="email" autocomplete="username" required value={props.email ?? ""} autofocus />
          <label for="password">Password</label>
          <input id="password" name="password" type="password" autocomplete="current-password" required />
          <button class="primary">Sign in</button>
        </form>
        {Aside ? Aside({}) : null}
      </main>
    </Document>
  );
}
