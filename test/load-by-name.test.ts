/**
 * Load by name, proven: the community example plugin is packed with `npm pack`, installed from the
 * tarball into a temporary project next to Switchboard (offline: core is linked and zod is already
 * there, so nothing comes from the registry), and `switchboard start` loads it from a TOML that
 * names it by its package name (the installed copy is marked, so the report shows it is the one
 * loaded). Its behaviour is then seen over HTTP: a customer message with a
 * keyword, POSTed to the API channel, makes the conversation urgent with a note, read back by REST.
 */
import { type ChildProcess, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { json, waitFor } from "@switchboard/core/testing";
import { afterAll, expect, test } from "vitest";
import { API_PLUGIN, ROOT, runCli, startServer } from "./fixtures/cli.ts";

const EXAMPLE = join(ROOT, "examples/plugin-urgent-keywords");
const SECRET = "load-by-name-secret-0123456789";
const project = mkdtempSync(join(tmpdir(), "switchboard-site-"));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  rmSync(project, { recursive: true, force: true });
});

/** Runs npm to completion within 60 s; fails with what it printed otherwise. */
function npm(args: string[], cwd: string): string {
  const run = spawnSync("npm", [...args, "--no-audit", "--no-fund", "--offline"], { cwd, encoding: "utf8", timeout: 60_000 });
  if (run.status !== 0) throw new Error(`npm ${args.join(" ")} failed (${run.status ?? run.signal}):\n${run.stdout}\n${run.stderr}`);
  return run.stdout;
}

test("a plugin installed from its npm tarball loads by package name and works over HTTP", { timeout: 120_000 }, async () => {
  const file = join(project, "switchboard.toml");
  writeFileSync(
    file,
    [
      `[server]\nport = 0\nhost = "127.0.0.1"`,
      `[store]\nurl = "file:${join(project, "sb.db")}"`,
      `[plugins.urgent]\npackage = "switchboard-plugin-urgent-keywords"\n[plugins.urgent.options]\nkeywords = ["outage"]`,
      `[plugins.api]\npackage = ${JSON.stringify(API_PLUGIN)}`,
      `[inboxes.api]\nplugin = "api"\n[inboxes.api.options]\nsecret = "${SECRET}"`,
    ].join("\n\n"),
  );
  const [packed] = JSON.parse(npm(["pack", "--json", "--pack-destination", project], EXAMPLE)) as { filename: string }[];
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "support-site", private: true }));
  mkdirSync(join(project, "node_modules/@switchboard"), { recursive: true });
  symlinkSync(join(ROOT, "core"), join(project, "node_modules/@switchboard/core"));
  cpSync(realpathSync(join(ROOT, "node_modules/zod")), join(project, "node_modules/zod"), { recursive: true });
  npm(["install", `./${packed!.filename}`], project);
  // Core also finds packages installed next to itself, and this repository has the example as a
  // workspace: mark the installed copy, so the start-up report proves which one was loaded.
  const installed = join(project, "node_modules/switchboard-plugin-urgent-keywords/src/index.ts");
  writeFileSync(installed, readFileSync(installed, "utf8").replace('version: "0.1.0"', 'version: "0.1.0-from-tarball"'));

  expect((await runCli(["create-agent", "--config", file, "--email", "ada@example.com", "--name", "Ada", "--role", "admin"])).code).toBe(0);
  const token = /Token: (swb_\S+)/.exec((await runCli(["create-token", "--config", file, "--agent", "ada@example.com"])).stdout)?.[1];
  const server = await startServer(file, children, { cwd: project });
  expect(server.output()).toMatch(/✓ urgent \(urgent-keywords 0\.1\.0-from-tarball\): started/);

  const posted = await json<{ conversation_id: number }>(
    fetch(`${server.url}/webhooks/api/messages`, {
      method: "POST",
      headers: { Authorization: `Bearer ${SECRET}`, "Content-Type": "application/json" },
      body: JSON.stringify({ id: "m1", contact: { id: "c1" }, text: "Total outage since 9am!" }),
    }),
  );
  expect(posted.status).toBe(201);
  const rest = (path: string) => json(fetch(`${server.url}/api/v1${path}`, { headers: { Authorization: `Bearer ${token}` } }));
  const id = posted.body.conversation_id;
  await waitFor(async () => (await rest(`/conversations/${id}`)).body.priority === "urgent", 10_000);
  // The plugin sets the priority, then writes its note: wait for the note too.
  const notes = async () =>
    ((await rest(`/conversations/${id}/messages`)).body.data as { direction: string; text: string }[])
      .filter((m) => m.direction === "note")
      .map((m) => m.text);
  await waitFor(async () => (await notes()).length > 0, 10_000);
  expect(await notes()).toEqual(['The customer wrote "outage": marked urgent.']);

  server.child.kill("SIGTERM");
  expect(await server.exited).toBe(0);
});
