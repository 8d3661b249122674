/** @jsxImportSource hono/jsx */
/**
 * /admin/labels: list, create (unique name, optional #rrggbb color), rename or recolor, delete.
 * Deleting a label takes it off every conversation.
 */
import { count, eq } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { ErrorCodes, SwitchboardError } from "../../../errors/index.ts";
import type { Services } from "../../../services.ts";
import type { Tx } from "../../../store/index.ts";
import { conversationLabels, labels } from "../../../store/schema.ts";
import type { InboxEnv } from "../../env.ts";
import { renderPage } from "../../render.ts";
import { LabelsView } from "../../views/admin/labels.tsx";
import { AdminPage } from "../../views/admin/page.tsx";
import { attempt, audit, done, idParam, noticeFromQuery, readAdminForm, type Shared, type ShowPage } from "./support.ts";

const labelForm = z.object({
  name: z
    .string({ message: "give the label a name" })
    .trim()
    .min(1, { message: "give the label a name" })
    .max(64, { message: "use at most 64 characters" }),
  color: z
    .string()
    .trim()
    .refine((v) => v === "" || /^#[0-9a-fA-F]{6}$/.test(v), { message: "use the form #rrggbb (for example #3b82f6), or leave it empty" })
    .transform((v) => (v ? v.toLowerCase() : null))
    .optional()
    .transform((v) => v ?? null),
});

async function assertNameFree(tx: Tx, name: string, exceptId?: number): Promise<void> {
  const [taken] = await tx.select({ id: labels.id }).from(labels).where(eq(labels.name, name));
  if (taken && taken.id !== exceptId)
    throw new SwitchboardError(ErrorCodes.CONFLICT, `Name: a label named "${name}" already exists. Pick another name.`);
}

async function existing(tx: Tx, id: number) {
  const [row] = await tx.select().from(labels).where(eq(labels.id, id));
  if (!row) throw new SwitchboardError(ErrorCodes.NOT_FOUND, `There is no label with the id ${id}.`);
  return row;
}

export function labelAdminRoutes(sb: Services, shared: Shared): Hono<InboxEnv> {
  const app = new Hono<InboxEnv>();

  const show: ShowPage = async (c, notice, status = 200) => {
    const session = c.get("session");
    const rows = await sb.store.db
      .select({ id: labels.id, name: labels.name, color: labels.color, uses: count(conversationLabels.conversationId) })
      .from(labels)
      .leftJoin(conversationLabels, eq(conversationLabels.labelId, labels.id))
      .groupBy(labels.id)
      .orderBy(labels.name);
    return renderPage(
      c,
      <AdminPage title="Labels" page={{ ...shared, session }} section="/admin/labels" notice={notice}>
        <LabelsView labels={rows} csrf={session.csrfToken} notice={notice} />
      </AdminPage>,
      status,
    );
  };

  app.get("/admin/labels", (c) => show(c, noticeFromQuery(c)));

  app.post("/admin/labels", (c) =>
    attempt(
      c,
      show,
      async () => {
        const form = await readAdminForm(c, labelForm);
        await sb.store.write(async (tx) => {
          await assertNameFree(tx, form.name);
          const [row] = await tx
            .insert(labels)
            .values({ name: form.name, color: form.color, createdAt: sb.clock.now() })
            .returning({ id: labels.id });
          await audit(tx, c.get("session").agent, sb.clock.now(), "label.created", { type: "label", id: row!.id }, form);
        });
        return done(c, "/admin/labels", "label-created");
      },
      { keepValues: true },
    ),
  );

  app.post("/admin/labels/:id", (c) =>
    attempt(c, show, async () => {
      const id = idParam(c);
      const form = await readAdminForm(c, labelForm);
      await sb.store.write(async (tx) => {
        const before = await existing(tx, id);
        await assertNameFree(tx, form.name, id);
        await tx.update(labels).set(form).where(eq(labels.id, id));
        await audit(
          tx,
          c.get("session").agent,
          sb.clock.now(),
          "label.updated",
          { type: "label", id },
          { from: { name: before.name, color: before.color }, to: form },
        );
      });
      return done(c, "/admin/labels", "label-saved");
    }),
  );

  app.post("/admin/labels/:id/delete", async (c) => {
    const id = idParam(c);
    await sb.store.write(async (tx) => {
      const before = await existing(tx, id);
      await tx.delete(labels).where(eq(labels.id, id));
      await audit(tx, c.get("session").agent, sb.clock.now(), "label.deleted", { type: "label", id }, { name: before.name });
    });
    return done(c, "/admin/labels", "label-deleted");
  });

  return app;
}
