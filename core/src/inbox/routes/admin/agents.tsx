/** @jsxImportSource hono/jsx */
/**
 * /admin/agents: the team of agents. Create one (its generated password is shown once), change a
 * role, reset a password (shown once; the agent's other sessions end), delete one; deactivating,
 * reactivating and the availability after sign-in are in agent-lifecycle.tsx. Nobody deletes
 * themselves, and the last admin can be neither deleted nor demoted. Each change is audited.
 */
import { and, eq, ne } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { type Agent, createAgent } from "../../../auth/agents.ts";
import { hashPassword } from "../../../auth/passwords.ts";
import { randomToken } from "../../../auth/secrets.ts";
import { ErrorCodes, SwitchboardError } from "../../../errors/index.ts";
import type { Services } from "../../../services.ts";
import { agents, sessions, teamMembers, teams } from "../../../store/schema.ts";
import type { InboxEnv } from "../../env.ts";
import { renderPage } from "../../render.ts";
import { AgentsView, PasswordShown } from "../../views/admin/agents.tsx";
import { AdminPage } from "../../views/admin/page.tsx";
import { assertNotLastAdmin, existingAgent } from "./agent-checks.ts";
import { agentLifecycleRoutes } from "./agent-lifecycle.tsx";
import { type AdminCtx, attempt, audit, done, idParam, noticeFromQuery, readAdminForm, type Shared, type ShowPage } from "./support.ts";

const PAGE = "/admin/agents";
const role = z.enum(["admin", "agent"], { message: "pick admin or agent" });
const newAgentForm = z.object({ name: z.string().default(""), email: z.string().default(""), role });

export function agentAdminRoutes(sb: Services, shared: Shared): Hono<InboxEnv> {
  const app = new Hono<InboxEnv>();

  const show: ShowPage = async (c, notice, status = 200) => {
    const session = c.get("session");
    const db = sb.store.db;
    const [rows, memberships] = await Promise.all([
      db
        .select({
          id: agents.id,
          name: agents.name,
          email: agents.email,
          role: agents.role,
          availability: agents.availability,
          signInAvailability: agents.signInAvailability,
          deactivatedAt: agents.deactivatedAt,
        })
        .from(agents)
        .orderBy(agents.name, agents.id),
      db
        .select({ agentId: teamMembers.agentId, team: teams.name })
        .from(teamMembers)
        .innerJoin(teams, eq(teams.id, teamMembers.teamId))
        .orderBy(teams.name),
    ]);
    const list = rows.map((a) => ({ ...a, teams: memberships.filter((m) => m.agentId === a.id).map((m) => m.team) }));
    return renderPage(
      c,
      <AdminPage title="Agents" page={{ ...shared, session }} section={PAGE} notice={notice}>
        <AgentsView agents={list} selfId={session.agent.id} csrf={session.csrfToken} notice={notice} />
      </AdminPage>,
      status,
    );
  };

  /** The page with a password on it: never cached. */
  function showPassword(c: AdminCtx, agent: Agent, password: string, reason: "created" | "reset") {
    c.header("Cache-Control", "no-store");
    return renderPage(
      c,
      <AdminPage
        title={reason === "created" ? "Agent created" : "Password reset"}
        page={{ ...shared, session: c.get("session") }}
        section={PAGE}
      >
        <PasswordShown agent={agent} password={password} reason={reason} />
      </AdminPage>,
    );
  }

  app.get(PAGE, (c) => show(c, noticeFromQuery(c)));

  app.post(PAGE, (c) =>
    attempt(
      c,
      show,
      async () => {
        const form = await readAdminForm(c, newAgentForm);
        const { agent, password } = await createAgent(sb.store, form);
        await sb.store.write((tx) =>
          audit(
            tx,
            c.get("session").agent,
            sb.clock.now(),
            "agent.created",
            { type: "agent", id: agent.id },
            { email: agent.email, role: agent.role },
          ),
        );
        return showPassword(c, agent, password, "created");
      },
      { keepValues: true },
    ),
  );

  app.post(`${PAGE}/:id/role`, (c) =>
    attempt(c, show, async () => {
      const id = idParam(c);
      const form = await readAdminForm(c, z.object({ role }));
      await sb.store.write(async (tx) => {
        const agent = await existingAgent(tx, id);
        if (agent.role === form.role) return;
        if (form.role === "agent") await assertNotLastAdmin(tx, agent, "make them an agent");
        await tx.update(agents).set({ role: form.role }).where(eq(agents.id, id));
        await audit(
          tx,
          c.get("session").agent,
          sb.clock.now(),
          "agent.role_changed",
          { type: "agent", id },
          { from: agent.role, to: form.role },
        );
      });
      return done(c, PAGE, "agent-role");
    }),
  );

  app.post(`${PAGE}/:id/password`, async (c) => {
    const id = idParam(c);
    const session = c.get("session");
    // 24 base64url characters (144 bits), like the passwords createAgent generates.
    const password = randomToken().slice(0, 24);
    const passwordHash = await hashPassword(password);
    const agent = await sb.store.write(async (tx) => {
      const row = await existingAgent(tx, id);
      await tx.update(agents).set({ passwordHash }).where(eq(agents.id, id));
      await tx.delete(sessions).where(and(eq(sessions.agentId, id), ne(sessions.id, session.id)));
      await audit(tx, session.agent, sb.clock.now(), "agent.password_reset", { type: "agent", id });
      return row;
    });
    return showPassword(c, agent, password, "reset");
  });

  app.post(`${PAGE}/:id/delete`, (c) =>
    attempt(c, show, async () => {
      const id = idParam(c);
      const self = c.get("session").agent;
      await sb.store.write(async (tx) => {
        const agent = await existingAgent(tx, id);
        await assertNotLastAdmin(tx, agent, "delete them");
        if (agent.id === self.id)
          throw new SwitchboardError(ErrorCodes.FORBIDDEN, "You cannot delete yourself. Ask another admin to do it.");
        await tx.delete(agents).where(eq(agents.id, id));
        await audit(tx, self, sb.clock.now(), "agent.deleted", { type: "agent", id }, { email: agent.email, name: agent.name });
      });
      return done(c, PAGE, "agent-deleted");
    }),
  );

  app.route("/", agentLifecycleRoutes(sb, show));
  return app;
}
