/**
 * `ctx.kv`: per-plugin key-value storage in the `plugin_kv` table, with optional expiry, and an
 * atomic insert-if-absent (`add`) for what several processes must number or claim once.
 */
import { and, eq, sql } from "drizzle-orm";
import type { Clock } from "../clock.ts";
import type { Store } from "../store/index.ts";
import { pluginKv } from "../store/schema.ts";
import type { KeyValueStore } from "./types.ts";

/** Escapes LIKE wildcards so a prefix matches literally. */
function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Creates the key-value store of one plugin.
 *
 * @example
 * const kv = createKeyValueStore(store, clock, "telegram");
 * await kv.set("offset", 42, { ttlMs: 60_000 });
 */
export function createKeyValueStore(store: Store, clock: Clock, plugin: string): KeyValueStore {
  const live = (expiresAt: number | null) => expiresAt === null || expiresAt > clock.now();
  const setMany: NonNullable<KeyValueStore["setMany"]> = async (entries, options = {}) => {
    if (entries.length === 0) return;
    const expiresAt = options.ttlMs === undefined ? null : clock.now() + options.ttlMs;
    await store.write(async (tx) => {
      for (const { key, value } of entries) {
        await tx
          .insert(pluginKv)
          .values({ plugin, key, value: value ?? null, expiresAt, updatedAt: clock.now() })
          .onConflictDoUpdate({
            target: [pluginKv.plugin, pluginKv.key],
            set: { value: value ?? null, expiresAt, updatedAt: clock.now() },
          });
      }
    });
  };
  const add: NonNullable<KeyValueStore["add"]> = async (key, value, options = {}) => {
    const now = clock.now();
    const expiresAt = options.ttlMs === undefined ? null : now + options.ttlMs;
    const written = await store.write((tx) =>
      tx
        .insert(pluginKv)
        .values({ plugin, key, value: value ?? null, expiresAt, updatedAt: now })
        .onConflictDoUpdate({
          target: [pluginKv.plugin, pluginKv.key],
          set: { value: value ?? null, expiresAt, updatedAt: now },
          // Only over an expired value: a live one stays, and nothing is written.
          setWhere: sql`${pluginKv.expiresAt} IS NOT NULL AND ${pluginKv.expiresAt} <= ${now}`,
        })
        .returning({ key: pluginKv.key }),
    );
    return written.length > 0;
  };
  return {
    async get<T>(key: string) {
      const [row] = await store.db
        .select()
        .from(pluginKv)
        .where(and(eq(pluginKv.plugin, plugin), eq(pluginKv.key, key)));
      return row && live(row.expiresAt) ? (row.value as T) : undefined;
    },
    set: (key, value, options) => setMany([{ key, value }], options),
    setMany,
    add,
    async delete(key) {
      await store.write((tx) => tx.delete(pluginKv).where(and(eq(pluginKv.plugin, plugin), eq(pluginKv.key, key))));
    },
    async list(prefix = "") {
      const rows = await store.db
        .select()
        .from(pluginKv)
        .where(and(eq(pluginKv.plugin, plugin), sql`${pluginKv.key} LIKE ${likePrefix(prefix)} ESCAPE '\\'`))
        .orderBy(pluginKv.key);
      return rows.filter((row) => live(row.expiresAt)).map((row) => ({ key: row.key, value: row.value }));
    },
  };
}
