/**
 * POST /inbox/conversations/:id/viewing: an open conversation page says, every 20 seconds while it
 * is shown (static/notify.js), that its agent is viewing it; the other agents' pages show "<name>
 * is viewing" (the ephemeral "typing" event with `viewing`, never logged).
 */
import { Hono } from "hono";
import { visibleConversation } from "../../access/index.ts";
import type { Services } from "../../services.ts";
import type { InboxEnv } from "../env.ts";
import { idParam } from "../id-param.ts";

export function presenceRoutes(sb: Services): Hono<InboxEnv> {
  const app = new Hono<InboxEnv>();
  app.post("/inbox/conversations/:id/viewing", async (c) => {
    const { conversation } = await visibleConversation(sb.store.db, c.get("viewer"), idParam(c));
    await sb.bus.publish("typing", { conversationId: conversation.id, who: "agent", agentId: c.get("session").agent.id, viewing: true });
    return c.body(null, 204);
  });
  return app;
}
