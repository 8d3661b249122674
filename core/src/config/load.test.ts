// Config loading: the shipped files load, and every kind of broken config stops with a
// ConfigError naming the file, the key, the plugin and the fix.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError, ErrorCodes } from "../errors/index.ts";
import { configErrorFromZod, interpolateEnv, loadConfig } from "./index.ts";

const configDir = fileURLToPath(new URL("../../../config/", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "switchboard-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let count = 0;
function writeConfig(text: string): string {
  const file = join(dir, `config-${++count}.toml`);
  writeFileSync(file, text);
  return file;
}

/** Runs `run` and returns the ConfigError it throws; fails the test if it throws nothing. */
async function failure(run: () => unknown): Promise<ConfigError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError, but nothing was thrown");
}

const apiPlugin = '[plugins.api]\npackage = "@switchboard/channel-api"\n';

describe("the shipped config files", () => {
  it("loads the annotated sample when its env vars are set", async () => {
    const secret = "sample-secret-0123456789abcdef";
    const { file, baseDir, config } = await loadConfig(join(configDir, "switchboard.sample.toml"), {
      SWITCHBOARD_API_INBOX_SECRET: secret,
    });
    expect(file).toBe(join(configDir, "switchboard.sample.toml"));
    expect(baseDir).toBe(dirname(file));
    expect(config.plugins.api?.package).toBe("@switchboard/channel-api");
    expect(config.inboxes.api?.options).toMatchObject({ secret, max_text_length: 10000 });
    expect(config.business_hours.holidays).toContain("2026-12-25");
    expect(config.webhooks).toEqual([]);
  });

  it("names the sample's secret variable when it is not set", async () => {
    const error = await failure(() => loadConfig(join(configDir, "switchboard.sample.toml"), {}));
    expect(error.code).toBe(ErrorCodes.CONFIG_ENV_MISSING);
    expect(error.location).toMatchObject({ key: "inboxes.api.options.secret", plugin: "api" });
    expect(error.message).toContain("SWITCHBOARD_API_INBOX_SECRET");
  });

  it("loads the default config with no env vars at all", async () => {
    const { config } = await loadConfig(join(configDir, "switchboard.toml"), {});
    expect(config.server.port).toBe(3000);
    expect(config.store.url).toBe("file:data/switchboard.db");
    expect(config.inboxes.api).toMatchObject({ plugin: "api", options: { secret: "change-me-please-0123456789" } });
  });
});

describe("loadConfig errors", () => {
  it("reports a missing file with the sample to copy", async () => {
    const file = join(dir, "missing.toml");
    const error = await failure(() => loadConfig(file, {}));
    expect(error.code).toBe(ErrorCodes.CONFIG_NOT_FOUND);
    expect(error.location).toEqual({ file, key: "(file)" });
    expect(error.message).toContain(`Fix: Copy config/switchboard.sample.toml to ${file}`);
  });

  it("reports a TOML syntax error with its line and column", async () => {
    const file = writeConfig('[server]\nport = 3000\nhost = "0.0.0.0\n');
    const error = await failure(() => loadConfig(file, {}));
    expect(error.code).toBe(ErrorCodes.CONFIG_SYNTAX);
    expect(error.location).toEqual({ file, key: "(syntax)" });
    expect(error.details).toMatchObject({ line: 3 });
    expect(error.message).toMatch(/line 3, column \d+/);
  });

  it("names server.port when it has the wrong type", async () => {
    const file = writeConfig('[server]\nport = "abc"\n');
    const error = await failure(() => loadConfig(file, {}));
    expect(error.code).toBe(ErrorCodes.CONFIG_INVALID);
    expect(error.location).toEqual({ file, key: "server.port" });
    expect(error.message).toContain('expected a number, received "abc"');
    expect(error.fix).toBe("Write a number, without quotes.");
  });

  it("takes the port from the environment, so several processes can share one config file", async () => {
    const file = writeConfig('[server]\nport = "${PORT}"\n');
    expect((await loadConfig(file, { PORT: "3002" })).config.server.port).toBe(3002);
    const error = await failure(() => loadConfig(file, { PORT: "http" }));
    expect(error.location).toEqual({ file, key: "server.port" });
  });

  it("names an unknown key, suggests the spelling and lists the known keys", async () => {
    const error = await failure(() => loadConfig(writeConfig('[server]\nhots = "127.0.0.1"\n'), {}));
    expect(error.code).toBe(ErrorCodes.CONFIG_INVALID);
    expect(error.location.key).toBe("server.hots");
    expect(error.message).toContain('did you mean "host"?');
    expect(error.message).toContain("known keys here are: port, host, public_url");
  });

  it("lists every schema problem, with array indexes and the plugin of inbox keys", async () => {
    const file = writeConfig(
      `${apiPlugin}[inboxes.support]\nplugin = "api"\nlabel = "x"\n[[webhooks]]\nurl = "not a url"\nsecret = "short"\n` +
        "[business_hours]\nholidays = [2026-12-25]\n",
    );
    const error = await failure(() => loadConfig(file, {}));
    expect(error.location).toEqual({ file, key: "business_hours.holidays[0]" });
    expect(error.message).toContain('inboxes.support.label (plugin "api"): unknown key.');
    expect(error.message).toContain("found 4 problems");
    expect(error.message).toContain(
      'business_hours.holidays[0]: expected a string, received an unquoted date (2026-12-25). Write it in quotes: "2026-12-25".',
    );
    expect(error.message).toContain('webhooks[0].url: expected a full URL, received "not a url"');
    expect(error.message).toContain("webhooks[0].secret: expected at least 16 characters, received a hidden string of 5 characters");
    expect(error.message).not.toContain('"short"');
  });

  it("names a missing env var, its key and its plugin", async () => {
    const file = writeConfig(`${apiPlugin}[inboxes.support]\nplugin = "api"\noptions = { secret = "\${SUPPORT_SECRET}" }\n`);
    const error = await failure(() => loadConfig(file, { OTHER: "x" }));
    expect(error.code).toBe(ErrorCodes.CONFIG_ENV_MISSING);
    expect(error.location).toEqual({ file, key: "inboxes.support.options.secret", plugin: "api" });
    expect(error.message).toContain("environment variable SUPPORT_SECRET is not set");
    expect(error.fix).toBe(
      "Set SUPPORT_SECRET in the environment, e.g. `export SUPPORT_SECRET=...`, or give a default with ${SUPPORT_SECRET:-value}.",
    );
  });

  it("lists all missing env vars in one error, skipping disabled plugins", async () => {
    const file = writeConfig(
      [
        '[plugins.tg]\npackage = "@switchboard/channel-telegram"\noptions = { token = "${TG_TOKEN}" }',
        '[plugins.off]\npackage = "x"\nenabled = false\noptions = { token = "${OFF_TOKEN}" }',
        '[[webhooks]]\nurl = "https://h.example.com"\nsecret = "${HOOK_SECRET}"',
      ].join("\n"),
    );
    const error = await failure(() => loadConfig(file, { TG_TOKEN: "" }));
    expect(error.code).toBe(ErrorCodes.CONFIG_ENV_MISSING);
    expect(error.location).toEqual({ file, key: "plugins.tg.options.token", plugin: "tg" });
    expect(error.details.variables).toEqual(["TG_TOKEN", "HOOK_SECRET"]);
    expect(error.message).toContain("not set in the environment: TG_TOKEN, HOOK_SECRET");
    expect(error.message).toContain('plugins.tg.options.token (plugin "tg"): environment variable TG_TOKEN is empty');
    expect(error.message).toContain("webhooks[0].secret: environment variable HOOK_SECRET is not set");
    expect(error.message).not.toContain("OFF_TOKEN");
  });

  it("rejects a malformed ${...} reference", async () => {
    const error = await failure(() => loadConfig(writeConfig('[store]\nurl = "${NOT VALID}"\n'), {}));
    expect(error.code).toBe(ErrorCodes.CONFIG_INVALID);
    expect(error.location.key).toBe("store.url");
    expect(error.message).toContain('"${NOT VALID}" is not a valid variable reference');
  });

  it("rejects an inbox naming an unknown plugin alias, listing the aliases that exist", async () => {
    const file = writeConfig(`${apiPlugin}[inboxes.support]\nplugin = "telegram"\n`);
    const error = await failure(() => loadConfig(file, {}));
    expect(error.code).toBe(ErrorCodes.CONFIG_INVALID);
    expect(error.location).toEqual({ file, key: "inboxes.support.plugin", plugin: "telegram" });
    expect(error.message).toContain("there is no [plugins.telegram]");
    expect(error.fix).toContain("aliases under [plugins]: api;");
  });

  it("refuses the plugin alias core, which Switchboard's own jobs use", async () => {
    const file = writeConfig('[plugins.core]\npackage = "@switchboard/channel-api"\n');
    const error = await failure(() => loadConfig(file, {}));
    expect(error.code).toBe(ErrorCodes.CONFIG_INVALID);
    expect(error.message).toContain('the plugin alias "core" is taken by Switchboard itself');
    expect(error.location).toMatchObject({ file, key: "plugins.core" });
  });

  it("rejects an inbox whose plugin is disabled", async () => {
    const file = writeConfig(`${apiPlugin}enabled = false\n[inboxes.support]\nplugin = "api"\n`);
    const error = await failure(() => loadConfig(file, {}));
    expect(error.location).toEqual({ file, key: "inboxes.support.plugin", plugin: "api" });
    expect(error.message).toContain("which is disabled");
    expect(error.fix).toContain("Set enabled = true under [plugins.api]");
  });
});

describe("interpolateEnv", () => {
  it("uses the environment, then ${NAME:-default}, and turns $${ into a literal ${", async () => {
    const file = writeConfig(
      `[store]\nurl = "\${DB_URL:-file:fallback.db}"\nauth_token = "\${DB_TOKEN:-}"\n[server]\nhost = "\${HOST}"\n` +
        `${apiPlugin}options = { list = ["$\${KEEP}", "\${HOST}:\${PORT:-80}"] }\n`,
    );
    const { config } = await loadConfig(file, { HOST: "example.org", DB_TOKEN: "" });
    expect(config.store).toEqual({ url: "file:fallback.db", auth_token: "" });
    expect(config.server.host).toBe("example.org");
    expect(config.plugins.api?.options).toEqual({ list: ["${KEEP}", "example.org:80"] });
  });

  it("leaves non-string values and the input tree untouched", () => {
    const tree = { n: 1, b: true, d: new Date(0), s: "${A}" };
    const out = interpolateEnv(tree, "f.toml", { A: "a" });
    expect(out).toEqual({ n: 1, b: true, d: new Date(0), s: "a" });
    expect(tree.s).toBe("${A}");
  });
});

describe("configErrorFromZod", () => {
  const options = z
    .object({
      token: z.string().min(16),
      mode: z.enum(["polling", "webhook"]),
      hooks: z.array(z.object({ url: z.url() }).strict()).default([]),
    })
    .strict();

  it("prefixes keys, names the plugin and gives a fix per issue", async () => {
    const input = { token: "abc123", mode: "push", hooks: [{ url: "https://ok.example.com", urll: "x" }], polling: true };
    const result = options.safeParse(input);
    if (result.success) throw new Error("the options should not validate");
    const error = configErrorFromZod("/etc/switchboard.toml", result.error, {
      keyPrefix: "plugins.tg.options",
      plugin: "@switchboard/channel-telegram",
      schema: options,
      input,
    });
    expect(error.code).toBe(ErrorCodes.CONFIG_INVALID);
    expect(error.location).toEqual({
      file: "/etc/switchboard.toml",
      key: "plugins.tg.options.token",
      plugin: "@switchboard/channel-telegram",
    });
    expect(error.message).toContain("found 4 problems");
    expect(error.message).toContain('plugins.tg.options.token (plugin "@switchboard/channel-telegram"): expected at least 16 characters');
    expect(error.message).not.toContain("abc123");
    expect(error.message).toContain(
      'plugins.tg.options.mode (plugin "@switchboard/channel-telegram"): expected one of "polling", "webhook", received "push"',
    );
    expect(error.message).toContain(
      'plugins.tg.options.hooks[0].urll (plugin "@switchboard/channel-telegram"): unknown key. Remove it, or check the spelling (did you mean "url"?); known keys here are: url.',
    );
    expect(error.message).toContain("plugins.tg.options.polling");
    expect(error.message).toContain("known keys here are: token, mode, hooks.");
  });

  it("works without schema or input, using zod's own wording for what was received", () => {
    const result = z.object({ port: z.number() }).safeParse({ port: "x" });
    if (result.success) throw new Error("the value should not validate");
    const error = configErrorFromZod("f.toml", result.error, { keyPrefix: "plugins.web.options", plugin: "web" });
    expect(error.location).toEqual({ file: "f.toml", key: "plugins.web.options.port", plugin: "web" });
    expect(error.message).toContain("expected a number (Invalid input: expected number, received string)");
  });

  it("says when a required key is missing", async () => {
    const error = await failure(() => loadConfig(writeConfig("[plugins.x]\nenabled = true\n"), {}));
    expect(error.location).toMatchObject({ key: "plugins.x.package", plugin: "x" });
    expect(error.message).toContain("missing: expected a string");
  });
});
