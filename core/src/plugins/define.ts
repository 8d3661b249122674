/**
 * `definePlugin`: an identity function that exists so TypeScript infers a plugin's option types
 * from its zod schema. It does nothing at run time.
 */
import type { z } from "zod";
import type { SwitchboardPlugin } from "./types.ts";

/**
 * Declares a plugin. Its `options` schema types `ctx.options`; `core` is the range of core
 * versions it works with, checked when it loads.
 *
 * @example
 * import { definePlugin } from "@switchboard/core";
 * import { z } from "zod";
 *
 * export default definePlugin({
 *   name: "hello",
 *   version: "1.0.0",
 *   core: "^1.0.0",
 *   options: z.object({ greeting: z.string().default("Hi!") }),
 *   setup(ctx) {
 *     ctx.on("conversation.created", (event) => ctx.log.info({ id: event.data.conversationId }, ctx.options.greeting));
 *   },
 * });
 */
export function definePlugin<S extends z.ZodType = z.ZodType>(plugin: SwitchboardPlugin<S>): SwitchboardPlugin<S> {
  return plugin;
}
