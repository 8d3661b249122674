/**
 * Opaque pagination cursors. A cursor holds the sort key of the last row of a page (for example
 * [last_activity_at, id]) as base64url JSON; clients pass `next_cursor` back unchanged.
 */
import { ErrorCodes, SwitchboardError } from "../errors/index.ts";

/**
 * Encodes a sort key into a cursor.
 *
 * @example
 * encodeCursor([1767600000000, 42]); // "WzE3Njc2MDAwMDAwMDAsNDJd"
 */
export function encodeCursor(key: number[]): string {
  return Buffer.from(JSON.stringify(key)).toString("base64url");
}

/**
 * Decodes a cursor made by `encodeCursor` with `size` numbers. Throws SWB_ERR_VALIDATION for
 * anything else (a cursor from another endpoint, or a tampered one).
 *
 * @example
 * const [at, id] = decodeCursor(query.cursor, 2);
 */
export function decodeCursor(cursor: string, size: number): number[] {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch (error) {
    throw new SwitchboardError(
      ErrorCodes.VALIDATION,
      "Invalid query: cursor: it is not a cursor from this API. Pass next_cursor from the previous page unchanged.",
      {},
      { cause: error },
    );
  }
  if (!Array.isArray(key) || key.length !== size || !key.every((n) => Number.isSafeInteger(n))) {
    throw new SwitchboardError(
      ErrorCodes.VALIDATION,
      "Invalid query: cursor: it belongs to another list. Pass next_cursor from the previous page of this list unchanged.",
    );
  }
  return key as number[];
}

/**
 * Cuts a page out of `limit + 1` fetched rows: the extra row tells whether there is a next page.
 *
 * @example
 * const { rows, next } = page(fetched, query.limit, (row) => [row.id]);
 * return c.json({ data: rows.map(toJson), next_cursor: next }, 200);
 */
export function page<T>(fetched: T[], limit: number, keyOf: (row: T) => number[]): { rows: T[]; next: string | null } {
  const rows = fetched.slice(0, limit);
  const last = rows[rows.length - 1];
  return { rows, next: fetched.length > limit && last ? encodeCursor(keyOf(last)) : null };
}
