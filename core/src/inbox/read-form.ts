/**
 * The inbox's one form reader: a form body checked with a zod schema, a bad form answered 422
 * naming the field (never a 500).
 */
import type { Context, Env } from "hono";
import type { z } from "zod";
import { ErrorCodes, SwitchboardError } from "../errors/index.ts";

/**
 * Reads a form with a zod schema; a bad form is a 422 naming the field.
 *
 * @example
 * const form = await readForm(c, z.object({ text: z.string().min(1) }));
 */
export async function readForm<S extends z.ZodType, E extends Env>(c: Context<E>, schema: S): Promise<z.output<S>> {
  const body = await c.req.parseBody({ all: true });
  const parsed = schema.safeParse(body);
  if (!parsed.success)
    throw new SwitchboardError(
      ErrorCodes.VALIDATION,
      parsed.error.issues.map((i) => `${i.path.join(".") || "form"}: ${i.message}`).join("; "),
    );
  return parsed.data;
}
