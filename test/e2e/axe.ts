/**
 * axe-core in a browser test: its script (the npm package) injected through the DevTools protocol,
 * so the page's CSP does not apply, and run on the whole document.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** Rules left out, each with its reason. Empty: every rule axe runs by default must pass. */
const ALLOWED: Record<string, string> = {};

export interface Finding {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** Injects axe-core (through the DevTools protocol, so the page's CSP does not apply) and runs it on the whole document. */
export async function axeViolations(page: Page): Promise<Finding[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document): Promise<{ violations: unknown[] }> } }).axe;
    const result = await axe.run(document);
    return result.violations as { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
  });
  return violations
    .filter((v) => !(v.id in ALLOWED))
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")) }));
}
