// `switchboard start` runs the server with its JavaScriptCore options: a real `start`, spawned
// without them, serves from the same process id with them in its environment, and the engine's own
// option dump shows the value in force; an operator's value is kept; and which options an
// environment lacks.
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { API_PLUGIN, startServer } from "../../../test/fixtures/cli.ts";
import { ENGINE_OPTIONS, missingEngineOptions } from "./engine-options.ts";

const dir = mkdtempSync(join(tmpdir(), "switchboard-engine-"));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

/** A config with the API channel on a fresh database in the temp folder. */
function writeConfig(name: string): string {
  const file = join(dir, `${name}.toml`);
  writeFileSync(
    file,
    [
      `[server]\nport = 0\nhost = "127.0.0.1"`,
      `[store]\nurl = "file:${join(dir, `${name}.db`)}"`,
      `[plugins.api]\npackage = ${JSON.stringify(API_PLUGIN)}`,
      `[inboxes.api]\nplugin = "api"\n[inboxes.api.options]\nsecret = "engine-options-secret-0123456789"`,
    ].join("\n\n"),
  );
  return file;
}

/** The environment of a running process, as the kernel has it (Linux). */
function environmentOf(pid: number): Record<string, string> {
  const entries = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").filter(Boolean);
  return Object.fromEntries(entries.map((entry) => [entry.slice(0, entry.indexOf("=")), entry.slice(entry.indexOf("=") + 1)]));
}

describe("the engine options of switchboard start", () => {
  it("restarts the same process once with them, and the engine runs with them", { timeout: 60_000 }, async () => {
    // The engine prints its options as it starts: once for the first run (Bun's 2) and once for the restart.
    const server = await startServer(writeConfig("default"), children, { env: { BUN_JSC_dumpOptions: "2" } });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(environmentOf(server.child.pid!).BUN_JSC_heapGrowthMaxIncrease).toBe("1");
    const dumped = [...server.output().matchAll(/heapGrowthMaxIncrease=(\S+)/g)].map((match) => match[1]);
    expect(dumped).toEqual(["2", "1"]);
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
  });

  it("keeps a value the operator set, and does not restart", { timeout: 60_000 }, async () => {
    const server = await startServer(writeConfig("operator"), children, {
      env: { BUN_JSC_heapGrowthMaxIncrease: "2", BUN_JSC_dumpOptions: "2" },
    });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(environmentOf(server.child.pid!).BUN_JSC_heapGrowthMaxIncrease).toBe("2");
    expect([...server.output().matchAll(/heapGrowthMaxIncrease=(\S+)/g)].map((match) => match[1])).toEqual(["2"]);
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
  });

  it("names the options an environment lacks", () => {
    expect(missingEngineOptions({})).toEqual(ENGINE_OPTIONS);
    expect(missingEngineOptions({ BUN_JSC_heapGrowthMaxIncrease: "2" })).toEqual({});
    expect(missingEngineOptions({ BUN_JSC_heapGrowthMaxIncrease: "" })).toEqual({});
  });
});
