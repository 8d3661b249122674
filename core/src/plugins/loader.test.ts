// Plugin loading through the harness: isolation of failing and hanging plugins, dependency order,
// and config errors for unknown plugins and bad options.
import { afterEach, describe, expect, it } from "vitest";
import corePackage from "../../package.json" with { type: "json" };
import { VERSION } from "../switchboard.ts";
import { writeFixturePlugin } from "../testing/fixtures.ts";
import { createTestHarness, type Harness } from "../testing/index.ts";
import { checkDeclaration } from "./declaration.ts";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe("plugin loader", () => {
  it("disables a plugin whose setup throws, keeps nothing it registered, and still boots", async () => {
    const broken = writeFixturePlugin(
      `ctx.route(() => ({ assigneeId: 1 })); ctx.http.get("/hi", (c) => c.text("hi")); throw new Error("boom: missing API key");`,
      { name: "broken" },
    );
    const good = writeFixturePlugin(`ctx.http.get("/hi", (c) => c.text("hello from good"));`, { name: "good" });
    harness = await createTestHarness({ plugins: { broken: { package: broken }, good: { package: good } } });
    const statuses = harness.switchboard.registry.plugins.map((p) => [p.name, p.state]);
    expect(statuses).toContainEqual(["broken", "failed"]);
    expect(statuses).toContainEqual(["good", "started"]);
    expect(harness.switchboard.registry.plugins.find((p) => p.name === "broken")!.error).toMatchObject({
      code: "SWB_ERR_PLUGIN_SETUP_FAILED",
      message: "boom: missing API key",
    });
    expect(harness.switchboard.registry.route).toHaveLength(0);
    expect((await harness.request("/plugins/broken/hi")).status).toBe(404);
    expect(await (await harness.request("/plugins/good/hi")).text()).toBe("hello from good");
    expect((await harness.request("/healthz")).status).toBe(200);
  });

  it("disables a plugin that hangs past its setup timeout, and the plugins that require it", async () => {
    const hangs = writeFixturePlugin(`await new Promise(() => {});`, { name: "hangs" });
    const dependent = writeFixturePlugin(`ctx.route(() => null);`, { name: "dependent", requires: ["hangs"] });
    const started = performance.now();
    harness = await createTestHarness({ plugins: { dependent: { package: dependent }, hangs: { package: hangs, setup_timeout_ms: 200 } } });
    expect(performance.now() - started).toBeLessThan(5000);
    const hanging = harness.switchboard.registry.plugins.find((p) => p.name === "hangs")!;
    expect(hanging.state).toBe("failed");
    expect(hanging.error).toMatchObject({ code: "SWB_ERR_PLUGIN_SETUP_TIMEOUT", message: expect.stringContaining("200 ms") });
    const blocked = harness.switchboard.registry.plugins.find((p) => p.name === "dependent")!;
    expect(blocked).toMatchObject({ state: "disabled", error: { code: "SWB_ERR_PLUGIN_DEPENDENCY" } });
  });

  it("starts plugins in dependency order whatever the config order", async () => {
    const order: string[] = [];
    (globalThis as Record<string, unknown>).__order = order;
    const first = writeFixturePlugin(`globalThis.__order.push("base");`, { name: "base" });
    const second = writeFixturePlugin(`globalThis.__order.push("addon");`, { name: "addon", requires: ["base"] });
    harness = await createTestHarness({ plugins: { addon: { package: second }, base: { package: first } } });
    expect(order).toEqual(["base", "addon"]);
  });

  it("stops start-up with a config error for an unknown plugin, naming the key and the fix", async () => {
    await expect(createTestHarness({ plugins: { ghost: { package: "@switchboard/does-not-exist" } } })).rejects.toMatchObject({
      code: "SWB_ERR_PLUGIN_NOT_FOUND",
      location: { key: "plugins.ghost.package" },
      message: expect.stringMatching(/unknown module "@switchboard\/does-not-exist".*npm install @switchboard\/does-not-exist/s),
    });
  });

  it("validates plugin options with the plugin's options schema, or its deprecated name config, naming the key and the plugin", async () => {
    const schema = "z.object({ api_key: z.string().min(8), retries: z.number().int().default(3) }).strict()";
    for (const declared of [{ options: schema }, { config: schema }]) {
      const typed = writeFixturePlugin(`ctx.log.info("ok");`, { name: "typed", ...declared });
      await expect(createTestHarness({ plugins: { typed: { package: typed, options: { api_key: 42 } } } })).rejects.toMatchObject({
        code: "SWB_ERR_CONFIG_INVALID",
        location: { key: "plugins.typed.options.api_key", plugin: "typed" },
      });
    }
    (globalThis as Record<string, unknown>).__options = [];
    const recording = `globalThis.__options.push(ctx.options);`;
    const viaOptions = writeFixturePlugin(recording, { name: "via-options", options: schema });
    const viaConfig = writeFixturePlugin(recording, { name: "via-config", config: schema });
    harness = await createTestHarness({
      plugins: {
        a: { package: viaOptions, options: { api_key: "12345678" } },
        b: { package: viaConfig, options: { api_key: "abcdefgh" } },
      },
    });
    expect((globalThis as Record<string, unknown>).__options).toEqual([
      { api_key: "12345678", retries: 3 },
      { api_key: "abcdefgh", retries: 3 },
    ]);
  });

  it("refuses a plugin that declares both options and its deprecated name config", async () => {
    const both = writeFixturePlugin(``, { name: "both", options: "z.object({})", config: "z.object({})" });
    await expect(createTestHarness({ plugins: { both: { package: both } } })).rejects.toMatchObject({
      code: "SWB_ERR_PLUGIN_INVALID",
      location: { key: "plugins.both.package", plugin: "both" },
      message: expect.stringMatching(/declares both "options" and "config".*keep "options" and remove "config"/),
    });
  });

  it("starts a plugin whose core range includes this core, and refuses one whose range does not, naming both versions", async () => {
    expect(VERSION).toBe(corePackage.version);
    for (const range of ["^1.0.0", "1.x", ">=1.0.0 <3"]) {
      const fits = writeFixturePlugin(``, { name: "fits", core: range });
      harness = await createTestHarness({ plugins: { fits: { package: fits } } });
      expect(harness.switchboard.registry.plugins.find((p) => p.name === "fits")?.state).toBe("started");
      await harness.close();
      harness = undefined;
    }
    const future = writeFixturePlugin(``, { name: "future", core: "^2.0.0" });
    await expect(createTestHarness({ plugins: { future: { package: future } } })).rejects.toMatchObject({
      code: "SWB_ERR_PLUGIN_CORE_VERSION",
      location: { key: "plugins.future.package", plugin: "future" },
      message: expect.stringContaining(`"future" 1.0.0 supports @switchboard/core ^2.0.0, but this Switchboard runs core ${VERSION}`),
    });
    const garbled = writeFixturePlugin(``, { name: "garbled", core: "one point oh" });
    await expect(createTestHarness({ plugins: { garbled: { package: garbled } } })).rejects.toMatchObject({
      code: "SWB_ERR_PLUGIN_INVALID",
      message: expect.stringContaining('"one point oh", which is not a version range'),
    });
  });

  it("checks the core range against the running version, pre-releases included", () => {
    const loaded = { file: "switchboard.toml" } as Parameters<typeof checkDeclaration>[0]["loaded"];
    const declared = (core: string) => ({
      loaded,
      alias: "x",
      entry: { package: "x" } as Parameters<typeof checkDeclaration>[0]["entry"],
      plugin: { name: "x", version: "1.0.0", core, setup() {} },
    });
    expect(checkDeclaration(declared("^1.0.0"), "1.4.2")).toEqual({ schema: undefined });
    expect(checkDeclaration(declared("^1.0.0"), "2.0.0-rc.1")).toMatchObject({
      code: "SWB_ERR_PLUGIN_CORE_VERSION",
      message: expect.stringContaining("runs core 2.0.0-rc.1"),
    });
    expect(checkDeclaration(declared("1.x"), "1.5.0-beta.1")).toEqual({ schema: undefined });
  });

  it("refuses a requirement that is not configured, and a dependency cycle", async () => {
    const lonely = writeFixturePlugin(``, { name: "lonely", requires: ["missing"] });
    await expect(createTestHarness({ plugins: { lonely: { package: lonely } } })).rejects.toMatchObject({
      code: "SWB_ERR_PLUGIN_DEPENDENCY",
      message: expect.stringContaining('"missing"'),
    });
    const a = writeFixturePlugin(``, { name: "a", requires: ["b"] });
    const b = writeFixturePlugin(``, { name: "b", requires: ["a"] });
    await expect(createTestHarness({ plugins: { a: { package: a }, b: { package: b } } })).rejects.toMatchObject({
      code: "SWB_ERR_PLUGIN_DEPENDENCY",
      message: expect.stringContaining("cycle"),
    });
  });

  it("refuses a module that is not a plugin", async () => {
    const notPlugin = writeFixturePlugin(``).replace(/plugin\.ts$/, "other.ts");
    await Bun.write(notPlugin, "export default { hello: 1 };");
    await expect(createTestHarness({ plugins: { odd: { package: notPlugin } } })).rejects.toMatchObject({
      code: "SWB_ERR_PLUGIN_INVALID",
      location: { key: "plugins.odd.package" },
    });
  });
});
