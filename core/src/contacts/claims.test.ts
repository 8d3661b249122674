// addClaims stores several claims from one source in one statement and says which were new to the
// contact, in the order given (SQLite returns inserted rows in no set order); claims given twice
// count once, and the same claims again add nothing; quiet claims ride in the same statement without signals.
import { createTestHarness, type Harness } from "@switchboard/core/testing";
import { asc, eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { identityClaims } from "../store/schema.ts";
import { addClaim, addClaims } from "./identify.ts";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** A new harness with one contact (who wrote once), its store and the harness's time. */
async function aContact() {
  harness = await createTestHarness();
  const stored = await harness.inject({ externalId: "m1", contact: { externalId: "u1" }, text: "hi" });
  if (!("contactId" in stored)) throw new Error("not stored");
  return { store: harness.switchboard.store, contactId: stored.contactId, now: harness.clock.now() };
}

describe("addClaims", () => {
  it("returns the claims new to the contact, in the order given, and stores each once", async () => {
    const { store, contactId, now } = await aContact();

    await store.write((tx) => addClaim(tx, contactId, { kind: "ref", value: "B-2", source: "inbox:test" }, now));
    const claims = [
      { kind: "ref", value: "Z-9" },
      { kind: "ref", value: "B-2" },
      { kind: "name", value: "maria lopez" },
      { kind: "ref", value: "Z-9" },
      { kind: "ref", value: "A-1" },
    ];
    const fresh = await store.write((tx) => addClaims(tx, contactId, claims, "inbox:shop", now));
    expect(fresh).toEqual([
      { kind: "ref", value: "Z-9", source: "inbox:shop", verified: false },
      { kind: "name", value: "maria lopez", source: "inbox:shop", verified: false },
      { kind: "ref", value: "A-1", source: "inbox:shop", verified: false },
    ]);
    expect(await store.write((tx) => addClaims(tx, contactId, claims, "inbox:shop", now))).toEqual([]);
    expect(await store.write((tx) => addClaims(tx, contactId, [], "inbox:shop", now))).toEqual([]);

    const rows = await store.db
      .select({ kind: identityClaims.kind, value: identityClaims.value, source: identityClaims.source })
      .from(identityClaims)
      .where(eq(identityClaims.contactId, contactId))
      .orderBy(asc(identityClaims.value));
    expect(rows).toEqual([
      { kind: "ref", value: "A-1", source: "inbox:shop" },
      { kind: "ref", value: "B-2", source: "inbox:test" },
      { kind: "ref", value: "Z-9", source: "inbox:shop" },
      { kind: "name", value: "maria lopez", source: "inbox:shop" },
    ]);
  });

  it("stores quiet claims in the same statement, with signals only for the others, and the quiet ones alone when no other is given", async () => {
    const { store, contactId, now } = await aContact();
    const quiet = [
      { kind: "name", value: "ann lee" },
      { kind: "ref", value: "A-1" },
    ];
    const fresh = await store.write((tx) =>
      addClaims(tx, contactId, [{ kind: "email", value: "ann@example.com" }], "inbox:shop", now, quiet),
    );
    expect(fresh).toEqual([{ kind: "email", value: "ann@example.com", source: "inbox:shop", verified: false }]);
    expect(await store.write((tx) => addClaims(tx, contactId, [], "inbox:shop", now, [{ kind: "ref", value: "B-2" }]))).toEqual([]);
    const rows = await store.db
      .select({ kind: identityClaims.kind, value: identityClaims.value })
      .from(identityClaims)
      .where(eq(identityClaims.contactId, contactId))
      .orderBy(asc(identityClaims.value));
    expect(rows).toEqual([
      { kind: "ref", value: "A-1" },
      { kind: "ref", value: "B-2" },
      { kind: "name", value: "ann lee" },
      { kind: "email", value: "ann@example.com" },
    ]);
  });
});
