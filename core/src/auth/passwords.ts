/**
 * Password hashing for agents: argon2id through `Bun.password`, which stores the algorithm and its
 * parameters inside the hash string, so old hashes keep verifying if the parameters change (and
 * `hashIsOutdated` says when a sign-in should store the password again). A sign-in for an email
 * nobody has is checked against a dummy hash of the same cost, so it takes as long as a wrong
 * password and does not tell which emails exist.
 *
 * The parameters are OWASP's first recommended argon2id configuration (19 MiB of memory, 2
 * iterations, 1 lane), not Bun's default of 64 MiB: every hash holds its memory for the length of
 * the run, so a sign-in, the first admin's creation at start, or ten sign-ins at once (ten times
 * the memory) would each add 64 MiB to the process's resident memory.
 */
import { randomToken } from "./secrets.ts";

/** Memory per hash in KiB, and passes over it: OWASP's Password Storage Cheat Sheet, argon2id. */
const ARGON2ID = { algorithm: "argon2id", memoryCost: 19_456, timeCost: 2 } as const;
/** The parameters part of a PHC string such as `$argon2id$v=19$m=19456,t=2,p=1$salt$hash`. */
const ARGON2ID_PARAMETERS = /^\$argon2id\$v=\d+\$m=(\d+),t=(\d+),p=(\d+)\$/;

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
  return Bun.password.hash(password, ARGON2ID);
}

/**
 * Whether a stored hash was made with other parameters than `hashPassword` uses now (another
 * algorithm, or argon2id with another memory, pass count or parallelism): after a right password,
 * store `hashPassword(password)` in its place, so every hash costs the same to check.
 *
 * @example
 * hashIsOutdated(await Bun.password.hash("x", { algorithm: "argon2id" })); // true: Bun's default, 64 MiB
 * hashIsOutdated(await hashPassword("x")); // false
 * // After a right sign-in, rehashOutdatedPassword (auth/agents.ts) stores hashPassword(password) instead.
 */
export function hashIsOutdated(hash: string): boolean {
  const parameters = ARGON2ID_PARAMETERS.exec(hash);
  if (!parameters) return true;
  const [, memory, passes, lanes] = parameters.map(Number);
  return memory !== ARGON2ID.memoryCost || passes !== ARGON2ID.timeCost || lanes !== 1;
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
