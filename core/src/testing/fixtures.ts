/**
 * Writes small plugin files for tests: a plugin whose setup body is the given code, saved to a temp
 * folder and loaded by path like any local plugin.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Writes a plugin named `name` whose `setup(ctx)` runs `setupBody`. Returns its path.
 *
 * @example
 * const path = writeFixturePlugin(`ctx.route(() => ({ assigneeId: 1 }));`);
 * await createTestHarness({ plugins: { mine: { package: path } } });
 */
export function writeFixturePlugin(
  setupBody: string,
  options: {
    name?: string;
    requires?: string[];
    /** The plugin's options schema, as source (`z.object({ … })`). */
    options?: string;
    /** The same under its deprecated name, `config`. */
    config?: string;
    /** The core versions it declares (default "^1.0.0"). */
    core?: string;
  } = {},
): string {
  const dir = mkdtempSync(join(tmpdir(), "switchboard-plugin-"));
  const file = join(dir, "plugin.ts");
  writeFileSync(
    file,
    `import { z } from "zod";
export default {
  name: ${JSON.stringify(options.name ?? "fixture")},
  version: "1.0.0",
  requires: ${JSON.stringify(options.requires ?? [])},
  core: ${JSON.stringify(options.core ?? "^1.0.0")},
  ${options.options ? `options: ${options.options},` : ""}
  ${options.config ? `config: ${options.config},` : ""}
  async setup(ctx) {
${setupBody}
  },
};
`,
  );
  return file;
}
