/**
 * Password hashing for agents: argon2id through `Bun.password`, which stores the algorithm and its
 * parameters inside the hash string, so old hashes keep verifying if the defaults change.
 */

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
  return Bun.password.verify(password, hash);
}
