/**
 * A key-value store in memory with core's KeyValueStore interface (expiry included), for driving
 * the poller and the originals store alone, without a Switchboard.
 */
import type { KeyValueStore } from "@switchboard/core";

/**
 * Creates an in-memory store; `now` decides expiry.
 *
 * @example
 * const kv = memoryKv(() => clock.now());
 */
export function memoryKv(now: () => number = Date.now): KeyValueStore {
  const map = new Map<string, { value: unknown; expiresAt: number | null }>();
  const live = (key: string) => {
    const entry = map.get(key);
    return entry && (entry.expiresAt === null || entry.expiresAt > now()) ? entry : undefined;
  };
  return {
    get: async <T>(key: string) => live(key)?.value as T | undefined,
    set: async (key, value, options = {}) =>
      void map.set(key, { value, expiresAt: options.ttlMs === undefined ? null : now() + options.ttlMs }),
    delete: async (key) => void map.delete(key),
    list: async (prefix = "") =>
      [...map.keys()]
        .filter((key) => key.startsWith(prefix) && live(key))
        .sort()
        .map((key) => ({ key, value: live(key)!.value })),
  };
}
