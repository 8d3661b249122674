/**
 * `switchboard new-plugin`, run as a user runs it: each of the four kinds is generated into a temp
 * folder next to Switchboard's node_modules, and its own test passes at once with the README's
 * command (vitest under Bun). A bad name and an existing folder are refused with a code, and
 * nothing is written. The generated plugins type-check, and the channel kind (the community channel
 * example) stays under 150 lines.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { BUN, ROOT, runCli } from "./fixtures/cli.ts";

const dir = mkdtempSync(join(tmpdir(), "switchboard-new-plugin-"));
symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The environment of a user's shell: none of the running vitest's own variables. */
const userEnv = {
  ...Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith("VITEST") && !["NODE_ENV", "TEST", "FORCE_COLOR"].includes(key)),
  ),
  NO_COLOR: "1",
};

describe("new-plugin", () => {
  for (const kind of ["channel", "enrich", "route", "assistant"] as const) {
    test(`new-plugin ${kind}: the generated plugin passes its own test at once`, { timeout: 120_000 }, async () => {
      const target = join(dir, `my-${kind}`);
      const made = await runCli(["new-plugin", kind, `my-${kind}`, "--dir", target]);
      expect(made.code, made.stderr).toBe(0);
      expect(made.stdout).toContain(`Wrote a ${kind} plugin`);
      expect(readdirSync(target).sort()).toEqual(["README.md", "package.json", "src"]);
      const pkg = JSON.parse(readFileSync(join(target, "package.json"), "utf8"));
      expect(pkg).toMatchObject({ name: `switchboard-plugin-my-${kind}`, peerDependencies: { "@switchboard/core": "*" } });
      const readme = readFileSync(join(target, "README.md"), "utf8");
      expect(readme).toContain(`package = "switchboard-plugin-my-${kind}"`);
      expect(readFileSync(join(target, "src/index.test.ts"), "utf8")).toContain('from "@switchboard/core/testing"');
      // The README's test command, from the plugin's folder.
      expect(readme).toContain("bun --bun vitest run --pool=threads");
      const run = spawnSync(BUN, ["--bun", "vitest", "run", "--pool=threads"], {
        cwd: target,
        env: userEnv,
        encoding: "utf8",
        timeout: 100_000,
      });
      expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
      expect(run.stdout).toMatch(/Tests\s+\S*1 passed/);
    });
  }

  test("the four generated plugins type-check under the repository's strict settings", { timeout: 120_000 }, () => {
    const kinds = ["channel", "enrich", "route", "assistant"];
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({ extends: join(ROOT, "tsconfig.json"), include: kinds.map((k) => `my-${k}/src`) }),
    );
    const tsc = spawnSync(join(ROOT, "node_modules/.bin/tsc"), ["--noEmit", "-p", join(dir, "tsconfig.json")], {
      encoding: "utf8",
      timeout: 100_000,
    });
    expect(tsc.status, tsc.stdout + tsc.stderr).toBe(0);
  });

  test("every option of a generated plugin is in its README", () => {
    for (const kind of ["channel", "enrich", "route", "assistant"]) {
      const source = readFileSync(join(dir, `my-${kind}`, "src/index.ts"), "utf8");
      const readme = readFileSync(join(dir, `my-${kind}`, "README.md"), "utf8");
      const schema = source.slice(source.indexOf("z\n  .object({"), source.indexOf(".strict();"));
      const keys = [...schema.matchAll(/^ {4}(\w+): z\./gm)].map((m) => m[1]!);
      expect(keys.length, kind).toBeGreaterThan(0);
      for (const key of keys) expect(readme, `${kind}: ${key}`).toMatch(new RegExp(`^${key} = `, "m"));
    }
  });

  test("the channel example stays under 150 lines, source and test together", () => {
    const lines = (file: string) => readFileSync(join(dir, "my-channel", file), "utf8").split("\n").length;
    expect(lines("src/index.ts") + lines("src/index.test.ts")).toBeLessThan(150);
  });

  test("a bad name and an existing folder are refused with a code, and nothing is written", async () => {
    const before = readdirSync(dir).sort();
    for (const name of ["Shop", "shop_orders", "-shop", "shop--orders", "a".repeat(41)]) {
      const result = await runCli(["new-plugin", "enrich", "--dir", join(dir, "bad"), "--", name]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("error [SWB_ERR_NEW_PLUGIN_NAME]");
      expect(result.stderr).toContain('(e.g. "shop-orders")');
    }
    mkdirSync(join(dir, "taken"));
    const taken = await runCli(["new-plugin", "route", "taken", "--dir", join(dir, "taken")]);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain("error [SWB_ERR_NEW_PLUGIN_EXISTS]");
    expect(readdirSync(join(dir, "taken"))).toEqual([]);
    const kind = await runCli(["new-plugin", "widget", "shop", "--dir", join(dir, "shop")]);
    expect(kind.stderr).toContain("error [SWB_ERR_VALIDATION]");
    expect(existsSync(join(dir, "shop"))).toBe(false);
    expect(readdirSync(dir).sort()).toEqual([...before, "taken"].sort());
  });
});
