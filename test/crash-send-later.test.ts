/**
 * Send-later under a crash: a batch of scheduled messages comes due, and the server is killed with
 * SIGKILL within moments of the first one going out. After a restart every scheduled message is
 * either sent once, with its message row, or still scheduled until it is: never "sent" without a
 * message, and never two messages for one schedule. The server is a real child process.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { afterAll, expect, test } from "vitest";
import { apiServerConfig, killAll, poll, runCli, startServer } from "./fixtures/server-process.ts";

const SECRET = "crash-send-later-secret-0123456789";
const SCHEDULED = 150;

const dir = mkdtempSync(join(tmpdir(), "switchboard-crash-send-later-"));
const dbFile = join(dir, "sb.db");
const configFile = join(dir, "switchboard.toml");
writeFileSync(configFile, apiServerConfig(dbFile, SECRET));
afterAll(() => {
  killAll();
  rmSync(dir, { recursive: true, force: true });
});

interface ScheduleState {
  scheduled: number;
  sent: number;
  /** Marked sent with no message row. */
  sentWithoutMessage: number;
  /** Schedules that became more than one message. */
  doubled: number;
}

async function state(): Promise<ScheduleState> {
  const client = createClient({ url: `file:${dbFile}` });
  try {
    const row = async (query: string) => Number((await client.execute(query)).rows[0]!.n);
    return {
      scheduled: await row("SELECT count(*) AS n FROM scheduled_messages WHERE status = 'scheduled'"),
      sent: await row("SELECT count(*) AS n FROM scheduled_messages WHERE status = 'sent'"),
      sentWithoutMessage: await row(
        "SELECT count(*) AS n FROM scheduled_messages s WHERE s.status = 'sent' AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.id = s.message_id)",
      ),
      doubled: await row(
        "SELECT count(*) AS n FROM (SELECT json_extract(metadata, '$.scheduledMessageId') AS s FROM messages WHERE s IS NOT NULL GROUP BY s HAVING count(*) > 1)",
      ),
    };
  } finally {
    client.close();
  }
}

test("a SIGKILL while scheduled messages go out leaves each one sent once with its message, or still scheduled", {
  timeout: 90_000,
}, async () => {
  const first = await startServer(configFile);
  const customer = await fetch(`${first.url}/webhooks/api/messages`, {
    method: "POST",
    headers: { Authorization: `Bearer ${SECRET}`, "Content-Type": "application/json" },
    body: JSON.stringify({ id: "m-1", contact: { id: "customer-1", name: "Customer" }, text: "please write back later" }),
  });
  const { conversation_id: conversationId } = (await customer.json()) as { conversation_id: number };
  const token = /Token: (\S+)/.exec(await runCli(["create-token", "--agent", "admin@example.com", "--config", configFile]))![1]!;

  // All due at one moment, a little after they are written (ten at a time).
  const sendAt = Date.now() + 8_000;
  for (let i = 0; i < SCHEDULED; i += 10) {
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, j) =>
        fetch(`${first.url}/api/v1/conversations/${conversationId}/scheduled-messages`, {
          method: "POST",
          headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
          body: JSON.stringify({ text: `scheduled reply ${i + j}`, send_at: sendAt }),
        }).then(async (res) => `${res.status} ${res.status === 201 ? "" : await res.text()}`.trim()),
      ),
    );
    expect(answers.filter((a) => a !== "201")).toEqual([]);
  }
  // Kill as soon as the first of the batch is sent.
  await poll(state, (s) => s.sent > 0, 20_000);
  first.child.kill("SIGKILL");
  expect(await first.exited).toEqual({ code: null, signal: "SIGKILL" });
  const atKill = await state();
  expect(atKill.sentWithoutMessage).toBe(0);
  expect(atKill.doubled).toBe(0);
  expect(atKill.sent + atKill.scheduled).toBe(SCHEDULED);

  const second = await startServer(configFile);
  const after = await poll(state, (s) => s.sent === SCHEDULED, 45_000);
  expect(after).toEqual({ scheduled: 0, sent: SCHEDULED, sentWithoutMessage: 0, doubled: 0 });
  console.info(`crash-send-later: ${atKill.sent} of ${SCHEDULED} sent at the kill; the rest after the restart`);
  second.child.kill("SIGTERM");
  expect(await second.exited).toEqual({ code: 0, signal: null });
});
