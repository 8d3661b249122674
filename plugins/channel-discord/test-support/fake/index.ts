/**
 * A fake Discord (REST API v10 + gateway) for tests, the playground and benchmarks. It speaks the
 * real wire protocols on 127.0.0.1; discord.js reaches it through its own `rest.api` option and
 * finds the gateway through GET /gateway/bot.
 *
 * @example
 * const discord = await startFakeDiscord();
 * const ada = discord.world.user("ada");
 * discord.world.dm(ada, "Hello?");
 * expect(discord.world.sent[0].body.content).toBe("Hi Ada!");
 * await discord.stop();
 */

export type { GatewaySession } from "./gateway.ts";
export { type FakeDiscord, type FakeDiscordOptions, startFakeDiscord } from "./server.ts";
export { DiscordWorld, type FakeGuild, type RestError } from "./world.ts";
