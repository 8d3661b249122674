/**
 * `switchboard doctor` and `switchboard contact split` as a user runs them (real child processes,
 * as in test/cli.test.ts) on a database made before identity scopes, where the API inboxes "shop"
 * and "app" both sent customer "42" and the old rule made them one contact: migrate, doctor lists
 * the contact with the command to split it, the split moves the app's conversation to a new
 * contact (audited), and doctor is then clean.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { afterAll, describe, expect, test } from "vitest";
import { createLegacyDatabase } from "../core/src/contacts/fixtures/legacy-identities.ts";
import { API_PLUGIN, runCli as run } from "./fixtures/cli.ts";

const dir = mkdtempSync(join(tmpdir(), "switchboard-cli-split-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("doctor and contact split on a database from before identity scopes", () => {
  test("lists the merged customers with the command, splits them (audited), and is clean after", async () => {
    const db = join(dir, "sb.db");
    await createLegacyDatabase(db);
    const config = join(dir, "switchboard.toml");
    const inbox = (name: string) =>
      `[inboxes.${name}]\nplugin = "api"\n\n[inboxes.${name}.options]\nsecret = "${name}-secret-0123456789"\n\n`;
    writeFileSync(
      config,
      `[server]\nport = 0\n\n[store]\nurl = "file:${db}"\n\n[plugins.api]\npackage = ${JSON.stringify(API_PLUGIN)}\n\n${inbox("shop")}${inbox("app")}`,
    );

    expect((await run(["migrate", "--config", config])).code).toBe(0);
    const before = await run(["doctor", "--config", config]);
    expect(before.code).toBe(1);
    expect(before.stdout).toContain(
      "! identities: 3 identities of inbox-scoped channels (api) still wait for their inbox; `switchboard start` re-scopes them",
    );
    expect(before.stdout).toContain(
      '✗ contact 1: holds the api id "42" from the inboxes shop, app, which are different customers. Fix: switchboard contact split 1 --inbox app',
    );
    expect(before.stdout).not.toContain("contact 3:");

    const split = await run(["contact", "split", "1", "--inbox", "app", "--config", config]);
    expect(split.stderr).toBe("");
    expect(split.stdout.trim()).toBe(
      "Split inbox app of contact 1 into contact 4: 1 conversations, 2 messages, 1 identities, 0 claims. To undo, merge contact 4 into 1.",
    );
    expect(split.code).toBe(0);

    const after = await run(["doctor", "--config", config]);
    expect(after.stdout).toContain("✓ identities: no contact holds one id from two inboxes");
    expect(after.stdout).not.toContain("still wait for their inbox");
    expect(after.code).toBe(0);

    const again = await run(["contact", "split", "1", "--inbox", "app", "--config", config]);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(
      'error [SWB_ERR_VALIDATION]: Contact 1 has no identity and no conversation from the inbox "app". Run `switchboard doctor` to see which inboxes a contact holds one id from.\n',
    );
    const bare = await run(["contact", "split", "1", "--config", config]);
    expect(bare.code).toBe(1);
    expect(bare.stderr).toContain("error [SWB_ERR_VALIDATION]: Name the inbox to split off with --inbox <name>");

    const client = createClient({ url: `file:${db}` });
    try {
      const conversations = (await client.execute("SELECT id, contact_id FROM conversations WHERE id IN (1, 2) ORDER BY id")).rows.map(
        (r) => [Number(r.id), Number(r.contact_id)],
      );
      expect(conversations).toEqual([
        [1, 1],
        [2, 4],
      ]);
      const audit = (await client.execute("SELECT actor, subject_id, data FROM audit_log WHERE action = 'contact.split'")).rows;
      expect(audit.map((r) => ({ actor: r.actor, subject: r.subject_id, data: JSON.parse(String(r.data)) }))).toEqual([
        {
          actor: "system",
          subject: "1",
          data: {
            inbox: "app",
            into: 4,
            moved: { identities: 1, claims: 0, conversations: 1, messages: 2 },
            identityIds: [5],
            conversationIds: [2],
          },
        },
      ]);
    } finally {
      client.close();
    }
  }, 60_000);
});
