/**
 * An agent changes their own password: the current one must be right, the new one at least 12
 * characters and typed twice alike. Their other sessions end (a stolen session does not outlive
 * the change); the one they are using stays.
 */
import { and, eq, ne } from "drizzle-orm";
import { z } from "zod";
import { ErrorCodes, SwitchboardError } from "../errors/index.ts";
import type { Store } from "../store/index.ts";
import { agents, sessions } from "../store/schema.ts";
import type { Agent } from "./agents.ts";
import { hashPassword, verifyPassword } from "./passwords.ts";

export const passwordChangeSchema = z
  .object({
    current: z.string().min(1, { message: "type your current password" }).max(1024),
    password: z.string().min(12, { message: "use a new password of at least 12 characters" }).max(1024),
    confirm: z.string().max(1024),
  })
  .refine((form) => form.password === form.confirm, { message: "type the same new password twice", path: ["confirm"] });

export type PasswordChange = z.output<typeof passwordChangeSchema>;

/**
 * Changes the agent's password and ends their sessions other than `keepSessionId`. Throws
 * SWB_ERR_FORBIDDEN when the current password is wrong.
 *
 * @example
 * await changeOwnPassword(store, session.agent, session.id, { current, password, confirm: password });
 */
export async function changeOwnPassword(
  store: Store,
  agent: Pick<Agent, "id" | "passwordHash">,
  keepSessionId: number,
  change: PasswordChange,
): Promise<void> {
  if (!(await verifyPassword(change.current, agent.passwordHash)))
    throw new SwitchboardError(ErrorCodes.FORBIDDEN, "Your current password is not right. Type it again, or ask an admin to reset it.");
  const passwordHash = await hashPassword(change.password);
  await store.write(async (tx) => {
    await tx.update(agents).set({ passwordHash }).where(eq(agents.id, agent.id));
    await tx.delete(sessions).where(and(eq(sessions.agentId, agent.id), ne(sessions.id, keepSessionId)));
  });
}
