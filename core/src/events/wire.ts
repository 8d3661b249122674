/**
 * How events look outside the process (SSE streams, outgoing webhooks): snake_case keys, like the
 * REST API. One function, so every consumer sees the same shape.
 */
import type { SwitchboardEvent } from "./types.ts";

/**
 * Converts object keys to snake_case, deeply (camelCase event data → the API's style).
 *
 * @example
 * snakeKeys({ conversationId: 7 }); // { conversation_id: 7 }
 */
export function snakeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).map(([key, v]) => [key.replace(/[A-Z]/g, (ch) => `_${ch.toLowerCase()}`), snakeKeys(v)]));
}

/**
 * An event's data as it goes on the wire.
 *
 * @example
 * JSON.stringify(wireData(event)); // {"conversation_id":7,...}
 */
export function wireData(event: SwitchboardEvent): unknown {
  return snakeKeys(event.data);
}
