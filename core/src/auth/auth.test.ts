// Agents, passwords and API tokens: what the CLI and the REST API build on.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ErrorCodes, SwitchboardError } from "../errors/index.ts";
import { openStore, type Store } from "../store/index.ts";
import { apiTokens } from "../store/schema.ts";
import { countAgents, createAgent, findAgentByEmail } from "./agents.ts";
import { hashIsOutdated, hashPassword, verifyPassword } from "./passwords.ts";
import { authenticateToken, createApiToken } from "./tokens.ts";

let dir: string;
let store: Store;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "switchboard-auth-"));
  store = await openStore({ url: `file:${join(dir, "auth.db")}` });
  await store.migrate();
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("passwords", () => {
  it("hashes with argon2id and verifies", async () => {
    const hash = await hashPassword("correct horse battery staple");
    expect(hash.startsWith("$argon2id$")).toBe(true);
    expect(await verifyPassword("correct horse battery staple", hash)).toBe(true);
    expect(await verifyPassword("wrong", hash)).toBe(false);
  });

  it("uses OWASP's 19 MiB, 2 passes, 1 lane, and calls other parameters outdated", async () => {
    const hash = await hashPassword("correct horse battery staple");
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(hashIsOutdated(hash)).toBe(false);
    // Bun's default (64 MiB), what Switchboard stored before.
    const bunDefault = await Bun.password.hash("correct horse battery staple", { algorithm: "argon2id" });
    expect(bunDefault).toMatch(/\$m=65536,/);
    expect(hashIsOutdated(bunDefault)).toBe(true);
    expect(hashIsOutdated(hash.replace("t=2,", "t=3,"))).toBe(true);
    expect(hashIsOutdated(hash.replace("p=1$", "p=2$"))).toBe(true);
    expect(hashIsOutdated(await Bun.password.hash("x", { algorithm: "bcrypt", cost: 4 }))).toBe(true);
    expect(hashIsOutdated("not a hash")).toBe(true);
  });
});

describe("createAgent", () => {
  it("lower-cases the email, generates a strong password and stores only its hash", async () => {
    expect(await countAgents(store)).toBe(0);
    const { agent, password } = await createAgent(store, { email: " Bob@Example.COM ", name: "Bob" });
    expect(agent).toMatchObject({ email: "bob@example.com", name: "Bob", role: "agent" });
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(agent.passwordHash).not.toContain(password);
    expect(await verifyPassword(password, agent.passwordHash)).toBe(true);
    expect(await countAgents(store)).toBe(1);
    expect((await findAgentByEmail(store.db, "BOB@example.com"))?.id).toBe(agent.id);
  });

  it("refuses a duplicate email with a coded, helpful error", async () => {
    await createAgent(store, { email: "bob@example.com", name: "Bob" });
    const error = await createAgent(store, { email: "BOB@example.com", name: "Bobby" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SwitchboardError);
    expect((error as SwitchboardError).code).toBe(ErrorCodes.CONFLICT);
    expect((error as SwitchboardError).message).toContain("bob@example.com already exists");
  });

  it("refuses a bad email or a short password", async () => {
    const error = await createAgent(store, { email: "not-an-email", name: "X", password: "short" }).catch((e: unknown) => e);
    expect((error as SwitchboardError).code).toBe(ErrorCodes.VALIDATION);
    expect((error as SwitchboardError).message).toMatch(/email: .*; password: use a password of at least 12 characters/);
  });
});

describe("API tokens", () => {
  it("stores only the SHA-256 of the token and authenticates it", async () => {
    const { agent } = await createAgent(store, { email: "carol@example.com", name: "Carol", role: "admin" });
    const { id, token } = await createApiToken(store, agent.id, "ci");
    expect(token).toMatch(/^swb_[A-Za-z0-9_-]{43}$/);
    const [row] = await store.db.select().from(apiTokens);
    expect(row).toMatchObject({ id, name: "ci", lastUsedAt: null });
    expect(row!.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect((await authenticateToken(store, token))?.email).toBe("carol@example.com");
    expect((await store.db.select().from(apiTokens))[0]!.lastUsedAt).toBeTypeOf("number");
    expect(await authenticateToken(store, token + "x")).toBeUndefined();
    expect(await authenticateToken(store, row!.tokenHash)).toBeUndefined();
  });
});
