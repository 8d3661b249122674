// A query built once runs where it is told to: on either of two stores, inside a transaction (seeing
// its uncommitted rows) or outside (not seeing them), and inside a group-commit savepoint.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq, sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { openStore, type Store } from "./index.ts";
import { reusableQuery } from "./reusable.ts";
import { contacts } from "./schema.ts";

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
});
