/** @jsxImportSource hono/jsx */
/**
 * The agents admin page: everyone with their role, availability (now and after signing in) and
 * teams; changing a role, resetting a password, deactivating and reactivating, deleting (never
 * yourself); a form to add an agent; and the page that shows
 * a new password once.
 */
import type { AgentRole } from "../../../auth/agents.ts";
import { CsrfField } from "../csrf.tsx";
import type { Notice } from "./notice.tsx";

export interface AgentRow {
  id: number;
  name: string;
  email: string;
  role: AgentRole;
  availability: "online" | "away" | "offline";
  signInAvailability: "online" | "away" | "offline";
  deactivatedAt: number | null;
  teams: string[];
}

const AVAILABILITIES = ["online", "away", "offline"] as const;

/** The availability an agent has after signing in, saved per agent. */
function SignInAvailability(props: { agent: AgentRow; csrf: string }) {
  const a = props.agent;
  return (
    <form class="inline" method="post" action={`/admin/agents/${a.id}/sign-in-availability`}>
      <CsrfField token={props.csrf} />
      <label for={`sign-in-${a.id}`} class="sr-only">
        Availability of {a.name} after signing in
      </label>
      <select id={`sign-in-${a.id}`} name="availability">
        {AVAILABILITIES.map((v) => (
          <option value={v} selected={a.signInAvailability === v}>
            {v}
          </option>
        ))}
      </select>
      <button aria-label={`Save the availability of ${a.name} after signing in`}>Save</button>
    </form>
  );
}

function RoleSelect(props: { id: string; value: AgentRole; label: string; labelHidden?: boolean }) {
  return (
    <>
      <label for={props.id} class={props.labelHidden ? "sr-only" : undefined}>
        {props.label}
      </label>
      <select id={props.id} name="role">
        {(["agent", "admin"] as const).map((r) => (
          <option value={r} selected={props.value === r}>
            {r}
          </option>
        ))}
      </select>
    </>
  );
}

function AgentActions(props: { agent: AgentRow; selfId: number; csrf: string }) {
  const { agent: a, csrf } = props;
  return (
    <>
      <form class="inline" method="post" action={`/admin/agents/${a.id}/password`}>
        <CsrfField token={csrf} />
        <button aria-label={`Reset password of ${a.name}`}>Reset password</button>
      </form>{" "}
      {a.id === props.selfId ? (
        <span class="muted">(you)</span>
      ) : (
        <form class="inline" method="post" action={`/admin/agents/${a.id}/${a.deactivatedAt === null ? "deactivate" : "reactivate"}`}>
          <CsrfField token={csrf} />
          <button aria-label={`${a.deactivatedAt === null ? "Deactivate" : "Reactivate"} ${a.name}`}>
            {a.deactivatedAt === null ? "Deactivate" : "Reactivate"}
          </button>
        </form>
      )}{" "}
      {a.id === props.selfId ? null : (
        <form class="inline" method="post" action={`/admin/agents/${a.id}/delete`}>
          <CsrfField token={csrf} />
          <button class="danger" aria-label={`Delete ${a.name}`}>
            Delete
          </button>
        </form>
      )}
    </>
  );
}

export function AgentsView(props: { agents: AgentRow[]; selfId: number; csrf: string; notice: Notice }) {
  const values = props.notice.values ?? {};
  return (
    <>
      <table>
        <caption class="sr-only">Agents</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Role</th>
            <th scope="col">Availability</th>
            <th scope="col">After sign-in</th>
            <th scope="col">Teams</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {props.agents.map((a) => (
            <tr>
              <th scope="row">
                {a.name}
                {a.deactivatedAt === null ? null : <span class="badge muted"> deactivated</span>}
              </th>
              <td>{a.email}</td>
              <td>
                <form class="inline" method="post" action={`/admin/agents/${a.id}/role`}>
                  <CsrfField token={props.csrf} />
                  <RoleSelect id={`role-${a.id}`} value={a.role} label={`Role of ${a.name}`} labelHidden />
                  <button>Change role</button>
                </form>
              </td>
              <td>{a.availability}</td>
              <td>
                <SignInAvailability agent={a} csrf={props.csrf} />
              </td>
              <td>{a.teams.length ? a.teams.join(", ") : <span class="muted">none</span>}</td>
              <td>
                <AgentActions agent={a} selfId={props.selfId} csrf={props.csrf} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Add an agent</h2>
      <form class="admin-form" method="post" action="/admin/agents">
        <CsrfField token={props.csrf} />
        <label for="new-agent-name">Name</label>
        <input id="new-agent-name" name="name" required maxlength={256} autocomplete="off" value={values.name ?? ""} />
        <label for="new-agent-email">Email</label>
        <input id="new-agent-email" name="email" type="email" required autocomplete="off" value={values.email ?? ""} />
        <RoleSelect id="new-agent-role" value={values.role === "admin" ? "admin" : "agent"} label="Role" />
        <p class="muted">A strong password is generated and shown once, on the next page.</p>
        <button class="primary">Add agent</button>
      </form>
    </>
  );
}

/** The one time a password is shown: after creating an agent or resetting their password. */
export function PasswordShown(props: { agent: { name: string; email: string }; password: string; reason: "created" | "reset" }) {
  return (
    <section class="password-once" aria-labelledby="password-title">
      <h2 id="password-title">
        {props.reason === "created" ? `${props.agent.name} can now sign in` : `New password for ${props.agent.name}`}
      </h2>
      <dl>
        <dt>Email</dt>
        <dd>{props.agent.email}</dd>
        <dt>Password</dt>
        <dd>
          <code class="secret">{props.password}</code>
        </dd>
      </dl>
      <p role="note">
        This password is shown only this once; Switchboard keeps only its hash. Hand it over securely (in person, or through a password
        manager's share), never in a chat or an email.
        {props.reason === "reset" ? " Their old password no longer works, and their other sessions have been signed out." : ""}
      </p>
      <p>
        <a href="/admin/agents">Back to agents</a>
      </p>
    </section>
  );
}
