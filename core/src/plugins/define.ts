/**
 * `definePlugin`: an identity function that exists so TypeScript infers a plugin's option types
 * from its zod schema. It does nothing at run time.
 */
import type { z } from "zod";
import type { SwitchboardPlugin } from "./types.ts";

/**
 * Declares a plugin. Its `config` schema types `ctx.options`.
 *
 * @example
 * import { definePlugin } from "@switchboard/core";
 * import { z } from "zod";
 *
 * export default definePlugin({
 *   name: "hello",
 *   version: "1.0.0",
 *   config: z.object({ greeting: z.string().default("Hi!") }),
 *   setup(ctx) {
 *     ctx.on("conversation.created", (event) => ctx.log.info({ id: event.data.conversationId }, ctx.options.greeting));
 *   },
 * });
 */
export function definePlugin<S extends z.ZodType = z.ZodType>(plugin: SwitchboardPlugin<S>): SwitchboardPlugin<S> {
  return plugin;
}
