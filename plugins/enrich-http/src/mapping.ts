/**
 * The declarative field mapping of enrich-http: each fact names a dotted path into the JSON answer
 * ("data.subscription.plan", "orders.0.id"), optionally with a type the value is converted to.
 */
import { z } from "zod";

export const fieldSchema = z.union([
  z.string().min(1),
  z.object({ path: z.string().min(1), type: z.enum(["string", "number", "boolean"]).optional() }).strict(),
]);
export type FieldMapping = z.infer<typeof fieldSchema>;

/**
 * The value at a dotted path, or undefined.
 *
 * @example
 * valueAt({ data: { plans: [{ name: "pro" }] } }, "data.plans.0.name") // "pro"
 */
export function valueAt(json: unknown, path: string): unknown {
  let value = json;
  for (const part of path.split(".")) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function convert(value: unknown, type: "string" | "number" | "boolean" | undefined): unknown {
  if (type === undefined) return value;
  if (type === "string") return typeof value === "object" ? undefined : String(value);
  if (type === "number") {
    const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
    return Number.isFinite(n) ? n : undefined;
  }
  if (typeof value === "boolean") return value;
  if (value === 1 || value === 0) return value === 1;
  if (typeof value === "string" && /^(true|yes|1)$/i.test(value)) return true;
  if (typeof value === "string" && /^(false|no|0)$/i.test(value)) return false;
  return undefined;
}

/**
 * Applies a mapping to an answer. Returns the facts, and the facts whose value could not be
 * converted to their type (for a warning).
 *
 * @example
 * mapFacts({ plan: "data.plan", ltv: { path: "data.ltv", type: "number" } }, { data: { plan: "pro", ltv: "1200" } })
 * // { facts: { plan: "pro", ltv: 1200 }, unconvertible: [] }
 */
export function mapFacts(fields: Record<string, FieldMapping>, json: unknown): { facts: Record<string, unknown>; unconvertible: string[] } {
  const facts: Record<string, unknown> = {};
  const unconvertible: string[] = [];
  for (const [fact, mapping] of Object.entries(fields)) {
    const { path, type } = typeof mapping === "string" ? { path: mapping, type: undefined } : mapping;
    const raw = valueAt(json, path);
    if (raw === undefined || raw === null) continue;
    const value = convert(raw, type);
    if (value === undefined) unconvertible.push(fact);
    else facts[fact] = value;
  }
  return { facts, unconvertible };
}
