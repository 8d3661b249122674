/**
 * /admin/agents/:id/deactivate, /reactivate and /sign-in-availability. A deactivated agent keeps
 * their history (messages, notes, resolved conversations, audit rows) but cannot sign in or use an
 * API token: their sessions end, they go offline, and their unresolved conversations go back to
 * Unassigned (each with an activity line) so routing and the team pick them up. Nobody deactivates
 * themselves or the last active admin. Reactivating lets them sign in again (a new session, their
 * old API tokens work again). Each change is audited.
 */
import { and, eq, inArray } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { setAvailability } from "../../../auth/availability.ts";
import { updateConversation } from "../../../conversations/update.ts";
import { ErrorCodes, SwitchboardError } from "../../../errors/index.ts";
import type { Services } from "../../../services.ts";
import { agents, conversations, sessions } from "../../../store/schema.ts";
import type { InboxEnv } from "../../env.ts";
import { assertNotLastAdmin, existingAgent } from "./agent-checks.ts";
import { attempt, audit, done, idParam, readAdminForm, type ShowPage } from "./support.ts";

const PAGE = "/admin/agents";
const availabilityForm = z.object({
  availability: z.enum(["online", "away", "offline"], { message: "pick online, away or offline" }),
});

export function agentLifecycleRoutes(sb: Services, show: ShowPage): Hono<InboxEnv> {
  const app = new Hono<InboxEnv>();

  app.post(`${PAGE}/:id/deactivate`, (c) =>
    attempt(c, show, async () => {
      const id = idParam(c);
      const self = c.get("session").agent;
      const agent = await sb.store.write(async (tx) => {
        const row = await existingAgent(tx, id);
        if (row.id === self.id)
          throw new SwitchboardError(ErrorCodes.FORBIDDEN, "You cannot deactivate yourself. Ask another admin to do it.");
        if (row.deactivatedAt !== null) return row;
        await assertNotLastAdmin(tx, row, "deactivate them");
        await tx.update(agents).set({ deactivatedAt: sb.clock.now() }).where(eq(agents.id, id));
        await tx.delete(sessions).where(eq(sessions.agentId, id));
        await audit(tx, self, sb.clock.now(), "agent.deactivated", { type: "agent", id }, { email: row.email });
        return row;
      });
      await setAvailability(sb, agent, "offline");
      const held = await sb.store.db
        .select({ id: conversations.id })
        .from(conversations)
        .where(and(eq(conversations.assigneeId, id), inArray(conversations.status, ["open", "pending", "snoozed"])));
      for (const conversation of held) await updateConversation(sb, self, conversation.id, { assigneeId: null });
      return done(c, PAGE, "agent-deactivated");
    }),
  );

  app.post(`${PAGE}/:id/reactivate`, (c) =>
    attempt(c, show, async () => {
      const id = idParam(c);
      await sb.store.write(async (tx) => {
        const row = await existingAgent(tx, id);
        if (row.deactivatedAt === null) return;
        await tx.update(agents).set({ deactivatedAt: null }).where(eq(agents.id, id));
        await audit(tx, c.get("session").agent, sb.clock.now(), "agent.reactivated", { type: "agent", id }, { email: row.email });
      });
      return done(c, PAGE, "agent-reactivated");
    }),
  );

  app.post(`${PAGE}/:id/sign-in-availability`, (c) =>
    attempt(c, show, async () => {
      const id = idParam(c);
      const form = await readAdminForm(c, availabilityForm);
      await sb.store.write(async (tx) => {
        const row = await existingAgent(tx, id);
        if (row.signInAvailability === form.availability) return;
        await tx.update(agents).set({ signInAvailability: form.availability }).where(eq(agents.id, id));
        await audit(
          tx,
          c.get("session").agent,
          sb.clock.now(),
          "agent.sign_in_availability_changed",
          { type: "agent", id },
          { from: row.signInAvailability, to: form.availability },
        );
      });
      return done(c, PAGE, "agent-availability");
    }),
  );

  return app;
}
