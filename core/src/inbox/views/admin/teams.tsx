/** @jsxImportSource hono/jsx */
/** The teams admin page: every team with its members and inboxes, the visibility rule, and a form to add a team. */
import { CsrfField } from "../csrf.tsx";
import type { Notice } from "./notice.tsx";
import { VisibilityRule } from "./visibility.tsx";

export interface TeamSummary {
  id: number;
  name: string;
  members: string[];
  inboxes: string[];
}

export function TeamsView(props: { teams: TeamSummary[]; csrf: string; notice: Notice }) {
  const values = props.notice.values ?? {};
  return (
    <>
      <VisibilityRule />
      {props.teams.length === 0 ? (
        <p class="muted">No teams yet.</p>
      ) : (
        <table>
          <caption class="sr-only">Teams</caption>
          <thead>
            <tr>
              <th scope="col">Team</th>
              <th scope="col">Members</th>
              <th scope="col">Inboxes given</th>
            </tr>
          </thead>
          <tbody>
            {props.teams.map((t) => (
              <tr>
                <th scope="row">
                  <a href={`/admin/teams/${t.id}`}>{t.name}</a>
                </th>
                <td>{t.members.length ? t.members.join(", ") : <span class="muted">none</span>}</td>
                <td>{t.inboxes.length ? t.inboxes.join(", ") : <span class="muted">none</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Add a team</h2>
      <form class="admin-form" method="post" action="/admin/teams">
        <CsrfField token={props.csrf} />
        <label for="new-team-name">Name</label>
        <input id="new-team-name" name="name" required maxlength={100} value={values.name ?? ""} />
        <button class="primary">Add team</button>
      </form>
    </>
  );
}
