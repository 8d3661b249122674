/**
 * Agents: the people who answer customers. Creation (used by `switchboard create-agent` and by the
 * first start, which makes the first admin), the lookups the REST API and the inbox share, and a
 * signed-in agent's password hash made again with today's parameters.
 */
import { and, count, eq } from "drizzle-orm";
import { z } from "zod";
import { ErrorCodes, SwitchboardError } from "../errors/index.ts";
import type { Queryable, Store } from "../store/index.ts";
import { agents } from "../store/schema.ts";
import { hashIsOutdated, hashPassword } from "./passwords.ts";

export type Agent = typeof agents.$inferSelect;
export type AgentRole = Agent["role"];

export interface NewAgent {
  email: string;
  name: string;
  /** Default "agent". */
  role?: AgentRole;
  /** Left out: a strong random password is generated and returned once. */
  password?: string;
}

const newAgentSchema = z.object({
  email: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.email({ pattern: z.regexes.html5Email, message: "expected an email address such as alice@example.com" })),
  name: z.string().trim().min(1, { message: "give the agent a name" }).max(256),
  role: z.enum(["admin", "agent"]).default("agent"),
  password: z.string().min(12, { message: "use a password of at least 12 characters" }).max(1024).optional(),
});

/** A random password of 24 URL-safe characters (144 bits). */
function generatePassword(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString("base64url");
}

/**
 * Creates an agent. The email is trimmed and lower-cased. Returns the password in clear text once
 * (the generated one, or the one given) so the CLI can print it; only its argon2id hash is stored.
 * Throws SWB_ERR_VALIDATION for bad input and SWB_ERR_CONFLICT when the email is taken.
 *
 * @example
 * const { agent, password } = await createAgent(store, { email: "Alice@Example.com", name: "Alice", role: "admin" });
 * console.log(`Log in as ${agent.email} with ${password}`);
 */
export async function createAgent(store: Store, input: NewAgent): Promise<{ agent: Agent; password: string }> {
  const parsed = newAgentSchema.safeParse(input);
  if (!parsed.success) {
    const reasons = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
    throw new SwitchboardError(ErrorCodes.VALIDATION, `Cannot create the agent: ${reasons}.`);
  }
  const { email, name, role } = parsed.data;
  const password = parsed.data.password ?? generatePassword();
  const passwordHash = await hashPassword(password);
  const agent = await store.write(async (tx) => {
    if (await findAgentByEmail(tx, email)) {
      throw new SwitchboardError(
        ErrorCodes.CONFLICT,
        `An agent with the email ${email} already exists. Pick another email, or create an API token for that agent with \`switchboard create-token --agent ${email}\`.`,
      );
    }
    const [row] = await tx.insert(agents).values({ email, name, role, passwordHash }).returning();
    return row!;
  });
  return { agent, password };
}

/**
 * How many agents exist (0 on a fresh install: the first start then creates an admin).
 *
 * @example
 * if ((await countAgents(store)) === 0) await createAgent(store, { email, name: "Admin", role: "admin" });
 */
export async function countAgents(store: Store): Promise<number> {
  const [row] = await store.db.select({ n: count() }).from(agents);
  return row?.n ?? 0;
}

/**
 * The agent with this id, if any.
 *
 * @example
 * const agent = await findAgent(store.db, 1);
 */
export async function findAgent(db: Queryable, id: number): Promise<Agent | undefined> {
  const [row] = await db.select().from(agents).where(eq(agents.id, id));
  return row;
}

/**
 * The agent with this email (compared lower-cased), if any.
 *
 * @example
 * const agent = await findAgentByEmail(store.db, "alice@example.com");
 */
export async function findAgentByEmail(db: Queryable, email: string): Promise<Agent | undefined> {
  const [row] = await db.select().from(agents).where(eq(agents.email, email.trim().toLowerCase()));
  return row;
}

/**
 * After a sign-in with the right password: when the agent's stored hash was made with other
 * parameters than `hashPassword` uses now (an older Switchboard's), stores a new hash of the same
 * password, unless the hash changed meanwhile (a password change or reset wins). Returns whether it did.
 *
 * @example
 * if (await verifySignIn(password, agent.passwordHash)) await rehashOutdatedPassword(store, agent, password);
 */
export async function rehashOutdatedPassword(store: Store, agent: Pick<Agent, "id" | "passwordHash">, password: string): Promise<boolean> {
  if (!hashIsOutdated(agent.passwordHash)) return false;
  const passwordHash = await hashPassword(password);
  const updated = await store.write((tx) =>
    tx
      .update(agents)
      .set({ passwordHash })
      .where(and(eq(agents.id, agent.id), eq(agents.passwordHash, agent.passwordHash)))
      .returning({ id: agents.id }),
  );
  return updated.length > 0;
}
