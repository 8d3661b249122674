/** @jsxImportSource hono/jsx */
/**
 * /admin/teams/:id: one team. Rename, delete, add or remove members, and set the inboxes given to
 * it (only inboxes of the config). Each change is one transaction with its audit row.
 */
import { and, eq, notInArray } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { findAgent } from "../../../auth/agents.ts";
import { ErrorCodes, SwitchboardError } from "../../../errors/index.ts";
import type { Services } from "../../../services.ts";
import type { Queryable } from "../../../store/index.ts";
import { agents, teamInboxes, teamMembers, teams } from "../../../store/schema.ts";
import type { InboxEnv } from "../../env.ts";
import { renderPage } from "../../render.ts";
import { AdminPage } from "../../views/admin/page.tsx";
import { TeamView } from "../../views/admin/team.tsx";
import { attempt, audit, done, idParam, noticeFromQuery, readAdminForm, type Shared, type ShowPage } from "./support.ts";
import { assertTeamNameFree, teamNameForm } from "./teams.tsx";

const memberForm = z.object({
  agent: z.coerce.number({ message: "pick an agent from the list" }).int().positive({ message: "pick an agent from the list" }),
});
const inboxesForm = z.object({ inbox: z.union([z.string(), z.array(z.string())]).optional() });

async function findTeam(db: Queryable, id: number) {
  const [row] = await db.select().from(teams).where(eq(teams.id, id));
  if (!row) throw new SwitchboardError(ErrorCodes.NOT_FOUND, `There is no team with the id ${id}.`);
  return row;
}

export function singleTeamAdminRoutes(sb: Services, shared: Shared): Hono<InboxEnv> {
  const app = new Hono<InboxEnv>();
  const page = (id: number) => `/admin/teams/${id}`;

  const show: ShowPage = async (c, notice, status = 200) => {
    const session = c.get("session");
    const db = sb.store.db;
    const team = await findTeam(db, idParam(c));
    const everyone = await db.select({ id: agents.id, name: agents.name, email: agents.email }).from(agents).orderBy(agents.name);
    const memberIds = new Set(
      (await db.select({ id: teamMembers.agentId }).from(teamMembers).where(eq(teamMembers.teamId, team.id))).map((m) => m.id),
    );
    const given = new Set(
      (await db.select({ inbox: teamInboxes.inbox }).from(teamInboxes).where(eq(teamInboxes.teamId, team.id))).map((g) => g.inbox),
    );
    const detail = {
      id: team.id,
      name: team.name,
      members: everyone.filter((a) => memberIds.has(a.id)),
      others: everyone.filter((a) => !memberIds.has(a.id)),
      inboxes: sb.inboxes.list().map((i) => ({ name: i.name, displayName: i.displayName, channel: i.channel, given: given.has(i.name) })),
    };
    return renderPage(
      c,
      <AdminPage title={`Team ${team.name}`} page={{ ...shared, session }} section="/admin/teams" notice={notice}>
        <TeamView team={detail} csrf={session.csrfToken} />
      </AdminPage>,
      status,
    );
  };

  app.get("/admin/teams/:id", (c) => show(c, noticeFromQuery(c)));

  app.post("/admin/teams/:id/rename", (c) =>
    attempt(c, show, async () => {
      const id = idParam(c);
      const form = await readAdminForm(c, teamNameForm);
      await sb.store.write(async (tx) => {
        const before = await findTeam(tx, id);
        await assertTeamNameFree(tx, form.name, id);
        await tx.update(teams).set({ name: form.name }).where(eq(teams.id, id));
        await audit(tx, c.get("session").agent, sb.clock.now(), "team.renamed", { type: "team", id }, { from: before.name, to: form.name });
      });
      return done(c, page(id), "team-renamed");
    }),
  );

  app.post("/admin/teams/:id/delete", async (c) => {
    const id = idParam(c);
    await sb.store.write(async (tx) => {
      const before = await findTeam(tx, id);
      await tx.delete(teams).where(eq(teams.id, id));
      await audit(tx, c.get("session").agent, sb.clock.now(), "team.deleted", { type: "team", id }, { name: before.name });
    });
    return done(c, "/admin/teams", "team-deleted");
  });

  app.post("/admin/teams/:id/members", (c) =>
    attempt(c, show, async () => {
      const id = idParam(c);
      const form = await readAdminForm(c, memberForm);
      await sb.store.write(async (tx) => {
        await findTeam(tx, id);
        if (!(await findAgent(tx, form.agent)))
          throw new SwitchboardError(ErrorCodes.VALIDATION, `Agent: there is no agent with the id ${form.agent}; pick one from the list.`);
        const added = await tx.insert(teamMembers).values({ teamId: id, agentId: form.agent }).onConflictDoNothing().returning();
        if (added.length)
          await audit(tx, c.get("session").agent, sb.clock.now(), "team.member_added", { type: "team", id }, { agent: form.agent });
      });
      return done(c, page(id), "member-added");
    }),
  );

  app.post("/admin/teams/:id/members/:agentId/delete", async (c) => {
    const id = idParam(c);
    const agentId = idParam(c, "agentId");
    await sb.store.write(async (tx) => {
      await findTeam(tx, id);
      const removed = await tx
        .delete(teamMembers)
        .where(and(eq(teamMembers.teamId, id), eq(teamMembers.agentId, agentId)))
        .returning();
      if (removed.length)
        await audit(tx, c.get("session").agent, sb.clock.now(), "team.member_removed", { type: "team", id }, { agent: agentId });
    });
    return done(c, page(id), "member-removed");
  });

  app.post("/admin/teams/:id/inboxes", (c) =>
    attempt(c, show, async () => {
      const id = idParam(c);
      const form = await readAdminForm(c, inboxesForm);
      const wanted = [...new Set(form.inbox === undefined ? [] : Array.isArray(form.inbox) ? form.inbox : [form.inbox])];
      const unknown = wanted.filter((name) => !sb.inboxes.get(name));
      if (unknown.length)
        throw new SwitchboardError(
          ErrorCodes.VALIDATION,
          `Inbox: the config has no inbox named ${unknown.map((n) => `"${n}"`).join(", ")}.`,
        );
      await sb.store.write(async (tx) => {
        await findTeam(tx, id);
        await tx
          .delete(teamInboxes)
          .where(wanted.length ? and(eq(teamInboxes.teamId, id), notInArray(teamInboxes.inbox, wanted)) : eq(teamInboxes.teamId, id));
        if (wanted.length)
          await tx
            .insert(teamInboxes)
            .values(wanted.map((inbox) => ({ teamId: id, inbox })))
            .onConflictDoNothing();
        await audit(tx, c.get("session").agent, sb.clock.now(), "team.inboxes_set", { type: "team", id }, { inboxes: wanted });
      });
      return done(c, page(id), "team-inboxes");
    }),
  );

  return app;
}
