// A query built once runs where it is told to: on either of two stores, inside a transaction (seeing
// its uncommitted rows) or outside (not seeing them), and inside a group-commit savepoint; and it
// answers exactly what drizzle's own run of the same prepared query answers, errors included.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DrizzleQueryError, eq, sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { openStore, type Store } from "./index.ts";
import { lastInsertedRowid, reusableQuery, runSqlRows } from "./reusable.ts";
import { contacts, conversations, identities, messages } from "./schema.ts";

const stores: Store[] = [];
afterEach(() => stores.splice(0).forEach((s) => s.close()));

async function storeWith(name: string): Promise<Store> {
  const store = await openStore({ url: `file:${join(mkdtempSync(join(tmpdir(), "swb-reusable-")), "db.sqlite")}` });
  stores.push(store);
  await store.migrate();
  await store.write((tx) => tx.insert(contacts).values({ id: 1, name }));
  return store;
}

const nameOf = reusableQuery((db) =>
  db
    .select({ name: contacts.name })
    .from(contacts)
    .where(eq(contacts.id, sql.placeholder("id"))),
);

describe("reusableQuery", () => {
  it("runs on the database or transaction it is given, whichever it was first built on", async () => {
    const first = await storeWith("Ann");
    const second = await storeWith("Bob");
    expect(await nameOf(first.db, { id: 1 })).toEqual([{ name: "Ann" }]);
    expect(await nameOf(second.db, { id: 1 })).toEqual([{ name: "Bob" }]);

    let inside: unknown;
    let outside: unknown;
    await first.write(async (tx) => {
      await tx.insert(contacts).values({ id: 2, name: "Cy" });
      inside = await nameOf(tx, { id: 2 });
      outside = await nameOf(first.db, { id: 2 });
    });
    expect(inside).toEqual([{ name: "Cy" }]);
    expect(outside).toEqual([]);
    expect(await nameOf(first.db, { id: 2 })).toEqual([{ name: "Cy" }]);
    expect(await nameOf(second.db, { id: 2 })).toEqual([]);
  });

  it("sees a savepoint's own rows when writes share a group commit", async () => {
    const store = await storeWith("Ann");
    const seen = await Promise.all(
      [10, 11, 12].map((id) =>
        store.write(async (tx) => {
          await tx.insert(contacts).values({ id, name: `n${id}` });
          return nameOf(tx, { id });
        }),
      ),
    );
    expect(seen).toEqual([[{ name: "n10" }], [{ name: "n11" }], [{ name: "n12" }]]);
  });

  it("answers what drizzle answers: whole rows with JSON and boolean columns, picked and computed fields, inserts, updates, errors", async () => {
    const store = await storeWith("Ann");
    await store.write(async (tx) => {
      await tx
        .update(contacts)
        .set({ attributes: { plan: "pro", seats: 3 }, email: "ann@example.com" })
        .where(eq(contacts.id, 1));
      await tx.insert(identities).values({ contactId: 1, channel: "telegram", externalId: "tg-1", verified: true, source: "inbox:tg" });
      await tx.insert(conversations).values({ id: 1, contactId: 1, inbox: "shop", channel: "api" });
    });
    // Each query as reusableQuery runs it, and drizzle's own prepared run of the same query.
    const cases: { build: Parameters<typeof reusableQuery>[0]; values: Record<string, unknown> }[] = [
      {
        build: (db) =>
          db
            .select()
            .from(contacts)
            .where(eq(contacts.id, sql.placeholder("id"))),
        values: { id: 1 },
      },
      {
        build: (db) =>
          db
            .select()
            .from(identities)
            .where(eq(identities.contactId, sql.placeholder("id"))),
        values: { id: 1 },
      },
      {
        build: (db) =>
          db
            .select({ id: contacts.id, upper: sql<string>`upper(${contacts.name})`, n: sql`length(${contacts.name})`.mapWith(Number) })
            .from(contacts)
            .where(eq(contacts.id, sql.placeholder("id"))),
        values: { id: 1 },
      },
      // Nested results (a joined table as an object) stay with drizzle's own mapping.
      {
        build: (db) =>
          db
            .select({ contact: contacts, channel: identities.channel })
            .from(identities)
            .innerJoin(contacts, eq(contacts.id, identities.contactId))
            .where(eq(identities.externalId, sql.placeholder("externalId"))),
        values: { externalId: "tg-1" },
      },
      {
        build: (db) =>
          db
            .select()
            .from(contacts)
            .where(eq(contacts.id, sql.placeholder("id"))),
        values: { id: 999 },
      },
    ];
    for (const { build, values } of cases) {
      const ours = await reusableQuery(build)(store.db, values);
      const drizzles = await (build(store.db) as unknown as { prepare(): { execute(v: unknown): Promise<unknown> } })
        .prepare()
        .execute(values);
      expect(ours).toEqual(drizzles);
    }
    const [row] = (await reusableQuery(cases[0]!.build)(store.db, { id: 1 })) as { attributes: unknown }[];
    expect(row!.attributes).toEqual({ plan: "pro", seats: 3 });

    const insertMessage = reusableQuery((db) =>
      db
        .insert(messages)
        .values({
          conversationId: 1,
          contactId: 1,
          inbox: "shop",
          channel: "api",
          direction: "incoming",
          externalId: sql.placeholder("externalId"),
          text: "hi",
          metadata: sql.placeholder("metadata"),
        })
        .returning({ id: messages.id, metadata: messages.metadata, createdAt: messages.createdAt }),
    );
    const rename = reusableQuery((db) =>
      db
        .update(contacts)
        .set({ name: sql`${sql.placeholder("name")}` })
        .where(eq(contacts.id, 1)),
    );
    await store.write(async (tx) => {
      const [inserted] = (await insertMessage(tx, { externalId: "m1", metadata: { a: [1, 2] } })) as {
        metadata: unknown;
        createdAt: unknown;
      }[];
      expect(inserted!.metadata).toEqual({ a: [1, 2] });
      expect(typeof inserted!.createdAt).toBe("number");
      expect(await rename(tx, { name: "Anna" })).toMatchObject({ rowsAffected: 1 });
      // A placeholder without a value, and a statement SQLite refuses, fail as drizzle's run fails.
      await expect(rename(tx, {})).rejects.toThrow('No value for placeholder "name" was provided');
      const duplicate = await insertMessage(tx, { externalId: "m1", metadata: {} }).catch((error: unknown) => error);
      expect(duplicate).toBeInstanceOf(DrizzleQueryError);
      expect(String((duplicate as DrizzleQueryError).cause)).toContain("UNIQUE constraint failed");
    });
    expect(await nameOf(store.db, { id: 1 })).toEqual([{ name: "Anna" }]);
  });
});

describe("runSqlRows", () => {
  it("answers rows as arrays of values by position, integers as numbers, in a transaction with its own rows, and drizzle's error for bad SQL", async () => {
    const store = await storeWith("Ann");
    const text = "SELECT id, name, length(name) FROM contacts WHERE id >= ? ORDER BY id";
    expect(await runSqlRows(store.db, text, [1])).toEqual([[1, "Ann", 3]]);
    const inside = await store.write(async (tx) => {
      await tx.insert(contacts).values({ id: 2, name: "Bo" });
      return runSqlRows(tx, text, [1]);
    });
    expect(inside).toEqual([
      [1, "Ann", 3],
      [2, "Bo", 2],
    ]);
    await expect(runSqlRows(store.db, "SELECT nope FROM contacts", [])).rejects.toBeInstanceOf(DrizzleQueryError);
  });
});

describe("lastInsertedRowid", () => {
  const insertContact = reusableQuery((db) => db.insert(contacts).values({ name: sql.placeholder("name") }));

  it("answers the rowid of the last row an insert wrote, and a coded error when the store does not say", async () => {
    const store = await storeWith("Ann");
    const id = await store.write(async (tx) => lastInsertedRowid(await insertContact(tx, { name: "Bea" }), "a contact"));
    expect(await nameOf(store.db, { id })).toEqual([{ name: "Bea" }]);
    expect(() => lastInsertedRowid({ lastInsertRowid: undefined }, "a contact")).toThrow(
      expect.objectContaining({ code: "SWB_ERR_STORE", message: expect.stringContaining("where a contact went") }),
    );
  });
});
