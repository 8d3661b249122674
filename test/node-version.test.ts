/**
 * The Node version a newcomer needs: the README's "Run it" section, the root `engines` and every
 * installed package's own `engines.node` agree, so `npm install` on the version the README names
 * prints no EBADENGINE warning.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import semver from "semver";
import { expect, test } from "vitest";
import { ROOT } from "./fixtures/cli.ts";

const read = (path: string) => readFileSync(join(ROOT, path), "utf8");
const lock = JSON.parse(read("package-lock.json")) as {
  packages: Record<string, { engines?: { node?: string } | string[]; dev?: boolean }>;
};
const ours = (JSON.parse(read("package.json")) as { engines: { node: string } }).engines.node;
const lowest = semver.minVersion(ours)?.version ?? "";

test("the README names the lowest Node version that engines allows", () => {
  const [major, minor] = lowest.split(".");
  expect(read("README.md")).toContain(`You need Node.js ${major}.${minor} or later and npm`);
});

test("every locked package runs on the lowest Node version we allow (no EBADENGINE warning on npm install)", () => {
  const refusing = Object.entries(lock.packages)
    // Only what npm installed here: optional packages for other platforms (wasm32) are never checked.
    .filter(([path]) => path.includes("node_modules/") && existsSync(join(ROOT, path)))
    .flatMap(([path, pkg]) => {
      const range = !pkg.engines || Array.isArray(pkg.engines) ? undefined : pkg.engines.node;
      return range && !semver.satisfies(lowest, range) ? [`${path.replace(/^.*node_modules\//, "")} wants node ${range}`] : [];
    });
  expect(refusing).toEqual([]);
});
