/** @jsxImportSource hono/jsx */
/**
 * /admin/canned-responses: the saved replies agents insert with /shortcut. List, create, edit,
 * delete; a shortcut is [a-z0-9-]+ and unique.
 */
import { eq } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { ErrorCodes, SwitchboardError } from "../../../errors/index.ts";
import type { Services } from "../../../services.ts";
import type { Tx } from "../../../store/index.ts";
import { cannedResponses } from "../../../store/schema.ts";
import type { InboxEnv } from "../../env.ts";
import { renderPage } from "../../render.ts";
import { CannedView } from "../../views/admin/canned.tsx";
import { AdminPage } from "../../views/admin/page.tsx";
import { attempt, audit, done, idParam, noticeFromQuery, readAdminForm, type Shared, type ShowPage } from "./support.ts";

const PAGE = "/admin/canned-responses";

const cannedForm = z.object({
  shortcut: z.preprocess(
    (v) => (typeof v === "string" ? v.trim().replace(/^\//, "") : v),
    z
      .string({ message: "give a shortcut such as refund-policy" })
      .min(1, { message: "give a shortcut such as refund-policy" })
      .max(64, { message: "use at most 64 characters" })
      .regex(/^[a-z0-9-]+$/, { message: "use only lowercase letters, digits and dashes (a-z, 0-9, -)" }),
  ),
  text: z
    .string({ message: "write the text to insert" })
    .trim()
    .min(1, { message: "write the text to insert" })
    .max(10_000, { message: "use at most 10000 characters" }),
});

async function assertShortcutFree(tx: Tx, shortcut: string, exceptId?: number): Promise<void> {
  const [taken] = await tx.select({ id: cannedResponses.id }).from(cannedResponses).where(eq(cannedResponses.shortcut, shortcut));
  if (taken && taken.id !== exceptId)
    throw new SwitchboardError(ErrorCodes.CONFLICT, `Shortcut: /${shortcut} is already taken. Pick another shortcut.`);
}

async function existing(tx: Tx, id: number) {
  const [row] = await tx.select().from(cannedResponses).where(eq(cannedResponses.id, id));
  if (!row) throw new SwitchboardError(ErrorCodes.NOT_FOUND, `There is no canned response with the id ${id}.`);
  return row;
}

export function cannedAdminRoutes(sb: Services, shared: Shared): Hono<InboxEnv> {
  const app = new Hono<InboxEnv>();

  const show: ShowPage = async (c, notice, status = 200) => {
    const session = c.get("session");
    const rows = await sb.store.db
      .select({ id: cannedResponses.id, shortcut: cannedResponses.shortcut, text: cannedResponses.text })
      .from(cannedResponses)
      .orderBy(cannedResponses.shortcut);
    return renderPage(
      c,
      <AdminPage title="Canned responses" page={{ ...shared, session }} section={PAGE} notice={notice}>
        <CannedView responses={rows} csrf={session.csrfToken} notice={notice} />
      </AdminPage>,
      status,
    );
  };

  app.get(PAGE, (c) => show(c, noticeFromQuery(c)));

  app.post(PAGE, (c) =>
    attempt(
      c,
      show,
      async () => {
        const form = await readAdminForm(c, cannedForm);
        await sb.store.write(async (tx) => {
          await assertShortcutFree(tx, form.shortcut);
          const [row] = await tx
            .insert(cannedResponses)
            .values({ ...form, createdAt: sb.clock.now() })
            .returning({ id: cannedResponses.id });
          await audit(
            tx,
            c.get("session").agent,
            sb.clock.now(),
            "canned_response.created",
            { type: "canned_response", id: row!.id },
            { shortcut: form.shortcut },
          );
        });
        return done(c, PAGE, "canned-created");
      },
      { keepValues: true },
    ),
  );

  app.post(`${PAGE}/:id`, (c) =>
    attempt(c, show, async () => {
      const id = idParam(c);
      const form = await readAdminForm(c, cannedForm);
      await sb.store.write(async (tx) => {
        const before = await existing(tx, id);
        await assertShortcutFree(tx, form.shortcut, id);
        await tx.update(cannedResponses).set(form).where(eq(cannedResponses.id, id));
        await audit(
          tx,
          c.get("session").agent,
          sb.clock.now(),
          "canned_response.updated",
          { type: "canned_response", id },
          { from: before.shortcut, to: form.shortcut },
        );
      });
      return done(c, PAGE, "canned-saved");
    }),
  );

  app.post(`${PAGE}/:id/delete`, async (c) => {
    const id = idParam(c);
    await sb.store.write(async (tx) => {
      const before = await existing(tx, id);
      await tx.delete(cannedResponses).where(eq(cannedResponses.id, id));
      await audit(
        tx,
        c.get("session").agent,
        sb.clock.now(),
        "canned_response.deleted",
        { type: "canned_response", id },
        { shortcut: before.shortcut },
      );
    });
    return done(c, PAGE, "canned-deleted");
  });

  return app;
}
