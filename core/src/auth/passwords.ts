/**
 * Password hashing for agents: argon2id through `Bun.password`, which stores the algorithm and its
 * parameters inside the hash string, so old hashes keep verifying if the defaults change. A sign-in
 * for an email nobody has is checked against a dummy hash of the same cost, so it takes as long as
 * a wrong password and does not tell which emails exist.
 */
import { randomToken } from "./secrets.ts";

let checks = 0;
let dummyHash: Promise<string> | undefined;

/**
 * Hashes a password with argon2id.
 *
 * @example
 * const hash = await hashPassword("correct horse battery staple");
 * hash.startsWith("$argon2id$"); // true
 */
export function hashPassword(password: string): Promise<string> {
  return Bun.password.hash(password, { algorithm: "argon2id" });
}

/**
 * Checks a password against a hash made by `hashPassword`. Takes constant time for a given hash.
 *
 * @example
 * if (!(await verifyPassword(input, agent.passwordHash))) throw new SwitchboardError(ErrorCodes.UNAUTHORIZED, "Wrong email or password.");
 */
export function verifyPassword(password: string, hash: string): Promise<boolean> {
  checks++;
  return Bun.password.verify(password, hash);
}

/**
 * Checks a sign-in's password against the agent's hash, or, when there is no such agent, against a
 * dummy hash of the same algorithm and cost (made once), so both fail in the same time.
 *
 * @example
 * const agent = await findAgentByEmail(db, email);
 * if (!(await verifySignIn(password, agent?.passwordHash))) return wrongEmailOrPassword();
 */
export async function verifySignIn(password: string, hash: string | undefined): Promise<boolean> {
  if (hash !== undefined) return verifyPassword(password, hash);
  dummyHash ??= hashPassword(randomToken()).catch((error: unknown) => {
    dummyHash = undefined; // try again on the next sign-in rather than fail them all
    throw error;
  });
  await verifyPassword(password, await dummyHash);
  return false;
}

/**
 * How many passwords this process has checked (each one costs an argon2id run).
 *
 * @example
 * const before = passwordChecks();
 */
export function passwordChecks(): number {
  return checks;
}
