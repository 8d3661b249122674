/** @jsxImportSource hono/jsx */
/**
 * /admin/teams: the teams with their members and inboxes, and creating one (then its own page,
 * /admin/teams/:id, takes over). Team names are unique.
 */
import { eq } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { ErrorCodes, SwitchboardError } from "../../../errors/index.ts";
import type { Services } from "../../../services.ts";
import type { Tx } from "../../../store/index.ts";
import { agents, teamInboxes, teamMembers, teams } from "../../../store/schema.ts";
import type { InboxEnv } from "../../env.ts";
import { renderPage } from "../../render.ts";
import { AdminPage } from "../../views/admin/page.tsx";
import { TeamsView } from "../../views/admin/teams.tsx";
import { attempt, audit, noticeFromQuery, readAdminForm, type Shared, type ShowPage } from "./support.ts";

/** The form that names a team (create and rename). */
export const teamNameForm = z.object({
  name: z
    .string({ message: "give the team a name" })
    .trim()
    .min(1, { message: "give the team a name" })
    .max(100, { message: "use at most 100 characters" }),
});

/** Throws SWB_ERR_CONFLICT when another team has this name. */
export async function assertTeamNameFree(tx: Tx, name: string, exceptId?: number): Promise<void> {
  const [taken] = await tx.select({ id: teams.id }).from(teams).where(eq(teams.name, name));
  if (taken && taken.id !== exceptId)
    throw new SwitchboardError(ErrorCodes.CONFLICT, `Name: a team named "${name}" already exists. Pick another name.`);
}

export function teamAdminRoutes(sb: Services, shared: Shared): Hono<InboxEnv> {
  const app = new Hono<InboxEnv>();

  const show: ShowPage = async (c, notice, status = 200) => {
    const session = c.get("session");
    const db = sb.store.db;
    const [rows, members, given] = await Promise.all([
      db.select({ id: teams.id, name: teams.name }).from(teams).orderBy(teams.name),
      db
        .select({ teamId: teamMembers.teamId, name: agents.name })
        .from(teamMembers)
        .innerJoin(agents, eq(agents.id, teamMembers.agentId))
        .orderBy(agents.name),
      db.select().from(teamInboxes).orderBy(teamInboxes.inbox),
    ]);
    const summaries = rows.map((t) => ({
      ...t,
      members: members.filter((m) => m.teamId === t.id).map((m) => m.name),
      inboxes: given.filter((g) => g.teamId === t.id).map((g) => g.inbox),
    }));
    return renderPage(
      c,
      <AdminPage title="Teams" page={{ ...shared, session }} section="/admin/teams" notice={notice}>
        <TeamsView teams={summaries} csrf={session.csrfToken} notice={notice} />
      </AdminPage>,
      status,
    );
  };

  app.get("/admin/teams", (c) => show(c, noticeFromQuery(c)));

  app.post("/admin/teams", (c) =>
    attempt(
      c,
      show,
      async () => {
        const form = await readAdminForm(c, teamNameForm);
        const id = await sb.store.write(async (tx) => {
          await assertTeamNameFree(tx, form.name);
          const [row] = await tx.insert(teams).values({ name: form.name, createdAt: sb.clock.now() }).returning({ id: teams.id });
          await audit(tx, c.get("session").agent, sb.clock.now(), "team.created", { type: "team", id: row!.id }, { name: form.name });
          return row!.id;
        });
        return c.redirect(`/admin/teams/${id}?done=team-created`, 303);
      },
      { keepValues: true },
    ),
  );

  return app;
}
