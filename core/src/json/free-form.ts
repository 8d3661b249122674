/**
 * Limits on free-form JSON (message metadata, contact attributes): at most 32 levels of nesting
 * and 16 KiB once serialised. The check walks the value with its own stack, never by recursion, so
 * a body nested 50,000 deep is refused with a reason instead of blowing the call stack, and what
 * is stored can always be serialised and exported again.
 */
import { z } from "zod";

/** The deepest nesting of objects and arrays accepted ({"a": 1} is 1 level, {"a": {"b": 1}} 2). */
export const FREE_JSON_MAX_DEPTH = 32;
/** The largest free-form value accepted, in bytes of its JSON (UTF-8). */
export const FREE_JSON_MAX_BYTES = 16 * 1024;

const RULE = `free-form JSON may nest at most ${FREE_JSON_MAX_DEPTH} levels and take at most ${FREE_JSON_MAX_BYTES / 1024} KiB (${FREE_JSON_MAX_BYTES} bytes) as JSON`;

/**
 * Why `value` is over the limits, or undefined when it is within them. Walks at most as many
 * values as the byte limit could hold, so a huge or deep value costs little to refuse.
 *
 * @example
 * freeJsonProblem({ a: { b: 1 } }); // undefined
 * freeJsonProblem(deeplyNested); // "nests more than 32 levels deep; free-form JSON may nest at most 32 levels …"
 */
export function freeJsonProblem(value: unknown): string | undefined {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  let visited = 0;
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop()!;
    // Every value takes at least one byte of JSON, so more values than bytes is too large already.
    if (++visited > FREE_JSON_MAX_BYTES) return `is larger than ${FREE_JSON_MAX_BYTES / 1024} KiB as JSON; ${RULE}`;
    if (current === null || typeof current !== "object") continue;
    if (depth + 1 > FREE_JSON_MAX_DEPTH) return `nests more than ${FREE_JSON_MAX_DEPTH} levels deep; ${RULE}`;
    for (const child of Object.values(current)) stack.push({ value: child, depth: depth + 1 });
  }
  const bytes = new TextEncoder().encode(JSON.stringify(value) ?? "").length;
  if (bytes > FREE_JSON_MAX_BYTES) return `is ${bytes} bytes as JSON; ${RULE}`;
  return undefined;
}

/**
 * A zod schema for a free-form JSON object (string keys, any JSON values) within the limits; the
 * error says them. Use it for every input that takes free-form JSON.
 *
 * @example
 * const body = z.object({ name: z.string(), attributes: freeJson().optional() });
 * body.parse({ name: "Ada", attributes: { plan: "pro", tags: ["vip"] } });
 */
export function freeJson() {
  return z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
    const problem = freeJsonProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
}
