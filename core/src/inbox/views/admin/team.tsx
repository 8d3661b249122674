/** @jsxImportSource hono/jsx */
/**
 * One team's admin page: rename it, add and remove members, choose the inboxes given to it (with
 * the visibility rule beside them), or delete it.
 */
import { CsrfField } from "../csrf.tsx";
import { VisibilityRule } from "./visibility.tsx";

export interface TeamDetail {
  id: number;
  name: string;
  members: { id: number; name: string; email: string }[];
  /** Agents who are not members yet. */
  others: { id: number; name: string; email: string }[];
  inboxes: { name: string; displayName: string; channel: string; given: boolean }[];
}

function Members(props: { team: TeamDetail; csrf: string }) {
  const { team } = props;
  return (
    <section aria-labelledby="members-title">
      <h2 id="members-title">Members</h2>
      {team.members.length === 0 ? (
        <p class="muted">No members yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Agent</th>
              <th scope="col">Email</th>
              <th scope="col">Remove</th>
            </tr>
          </thead>
          <tbody>
            {team.members.map((m) => (
              <tr>
                <th scope="row">{m.name}</th>
                <td>{m.email}</td>
                <td>
                  <form method="post" action={`/admin/teams/${team.id}/members/${m.id}/delete`}>
                    <CsrfField token={props.csrf} />
                    <button class="danger" aria-label={`Remove ${m.name} from ${team.name}`}>
                      Remove
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {team.others.length ? (
        <form class="inline" method="post" action={`/admin/teams/${team.id}/members`}>
          <CsrfField token={props.csrf} />
          <label for="add-member">Add an agent</label>
          <select id="add-member" name="agent" required>
            {team.others.map((a) => (
              <option value={String(a.id)}>
                {a.name} ({a.email})
              </option>
            ))}
          </select>
          <button>Add member</button>
        </form>
      ) : (
        <p class="muted">Every agent is a member.</p>
      )}
    </section>
  );
}

function Inboxes(props: { team: TeamDetail; csrf: string }) {
  const { team } = props;
  return (
    <section aria-labelledby="inboxes-title">
      <h2 id="inboxes-title">Inboxes given to {team.name}</h2>
      <VisibilityRule />
      <form method="post" action={`/admin/teams/${team.id}/inboxes`}>
        <CsrfField token={props.csrf} />
        <fieldset>
          <legend>Inboxes</legend>
          {team.inboxes.length === 0 ? <p class="muted">The config has no inboxes.</p> : null}
          {team.inboxes.map((i) => (
            <div>
              <input type="checkbox" id={`inbox-${i.name}`} name="inbox" value={i.name} checked={i.given} />
              <label for={`inbox-${i.name}`}>
                {i.displayName}{" "}
                <span class="muted">
                  ({i.name}, {i.channel})
                </span>
              </label>
            </div>
          ))}
        </fieldset>
        <button>Save inboxes</button>
      </form>
    </section>
  );
}

export function TeamView(props: { team: TeamDetail; csrf: string }) {
  const { team, csrf } = props;
  return (
    <>
      <p>
        <a href="/admin/teams">All teams</a>
      </p>
      <form class="inline" method="post" action={`/admin/teams/${team.id}/rename`}>
        <CsrfField token={csrf} />
        <label for="team-name">Name</label>
        <input id="team-name" name="name" required maxlength={100} value={team.name} />
        <button>Rename</button>
      </form>
      <Members team={team} csrf={csrf} />
      <Inboxes team={team} csrf={csrf} />
      <h2>Delete</h2>
      <form method="post" action={`/admin/teams/${team.id}/delete`}>
        <CsrfField token={csrf} />
        <p class="muted">
          Deleting the team takes back its inboxes (an inbox no other team is given becomes visible to every agent), and its conversations
          are no longer assigned to it.
        </p>
        <button class="danger">Delete the team {team.name}</button>
      </form>
    </>
  );
}
