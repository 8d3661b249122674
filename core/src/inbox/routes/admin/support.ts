/**
 * What every admin page shares: reading a form with zod (a bad field is a coded VALIDATION error
 * that names it), turning a refused change into the page re-rendered with the reason, the
 * redirect back after a change, ids from the path, and the audit row each change writes.
 */
import type { Context } from "hono";
import type { z } from "zod";
import type { Agent } from "../../../auth/agents.ts";
import { ErrorCodes, SwitchboardError } from "../../../errors/index.ts";
import type { Tx } from "../../../store/index.ts";
import { auditLog } from "../../../store/schema.ts";
import type { InboxEnv, PageContext } from "../../env.ts";
import type { DoneCode, Notice } from "../../views/admin/notice.tsx";

export type AdminCtx = Context<InboxEnv>;
/** The page context minus the session (each request brings its own). */
export type Shared = Pick<PageContext, "assets" | "theme">;
/** Renders an admin page with a notice and a status; each page file has one. */
export type ShowPage = (c: AdminCtx, notice: Notice, status?: 200 | 403 | 422) => Promise<Response>;

const fieldName = (path: PropertyKey[]) => {
  const name = String(path[0] ?? "form");
  return name[0]!.toUpperCase() + name.slice(1);
};

/**
 * Reads the posted form with a zod schema. Throws SWB_ERR_VALIDATION naming each bad field.
 *
 * @example
 * const form = await readAdminForm(c, z.object({ name: z.string().trim().min(1) }));
 */
export async function readAdminForm<S extends z.ZodType>(c: AdminCtx, schema: S): Promise<z.output<S>> {
  const body = await c.req.parseBody({ all: true });
  const parsed = schema.safeParse(body);
  if (!parsed.success)
    throw new SwitchboardError(ErrorCodes.VALIDATION, parsed.error.issues.map((i) => `${fieldName(i.path)}: ${i.message}`).join("; "));
  return parsed.data;
}

const statusOf: Partial<Record<string, 403 | 422>> = {
  [ErrorCodes.VALIDATION]: 422,
  [ErrorCodes.CONFLICT]: 422,
  [ErrorCodes.FORBIDDEN]: 403,
};

/**
 * Runs a change; a refused one (validation, conflict, forbidden) re-renders the page with its
 * reason and 422 (403 when forbidden), and with the form's values when `keepValues` (create forms).
 * Anything else goes on to the inbox's error handler.
 *
 * @example
 * app.post("/admin/labels", (c) => attempt(c, show, async () => { ...; return done(c, "/admin/labels", "label-created"); }));
 */
export async function attempt(
  c: AdminCtx,
  show: ShowPage,
  run: () => Promise<Response>,
  options: { keepValues?: boolean } = {},
): Promise<Response> {
  try {
    return await run();
  } catch (error) {
    const status = error instanceof SwitchboardError ? statusOf[error.code] : undefined;
    if (!status) throw error;
    const message = (error as SwitchboardError).message;
    if (!options.keepValues) return show(c, { error: message }, status);
    const body = await c.req.parseBody();
    const values = Object.fromEntries(
      Object.entries(body).filter((e): e is [string, string] => typeof e[1] === "string" && e[0] !== "_csrf"),
    );
    return show(c, { error: message, values }, status);
  }
}

/** After a change: back to the page, which shows what was done. */
export function done(c: AdminCtx, path: string, code: DoneCode): Response {
  return c.redirect(`${path}?done=${code}`, 303);
}

/** The notice a page shows from its `?done=` query (unknown codes show nothing). */
export function noticeFromQuery(c: AdminCtx): Notice {
  return { done: c.req.query("done") };
}

/** A numeric id from the path; anything else is a 404 (the inbox's one id parser). */
export { idParam } from "../../id-param.ts";

/** Writes the audit row of an admin change, inside the change's transaction. */
export async function audit(
  tx: Tx,
  actor: Agent,
  at: number,
  action: string,
  subject: { type: string; id: number | string },
  data: Record<string, unknown> = {},
): Promise<void> {
  await tx
    .insert(auditLog)
    .values({ actor: `agent:${actor.id}`, action, subjectType: subject.type, subjectId: String(subject.id), data, createdAt: at });
}
