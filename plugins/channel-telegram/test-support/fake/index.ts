/**
 * A fake Telegram Bot API for tests, the playground and benchmarks. It speaks the real wire
 * protocol on 127.0.0.1, so grammy (or any Bot API client) talks to it through its own `apiRoot`.
 *
 * @example
 * const telegram = await startFakeTelegram();
 * const ada = { id: 1001, is_bot: false, first_name: "Ada" };
 * telegram.world.say(telegram.world.privateChat(ada), ada, "Hello?");
 * // ... point the channel at telegram.apiRoot with telegram.token, then:
 * expect(telegram.world.sent[0].message.text).toBe("Hi Ada!");
 * await telegram.stop();
 */
export { type FakeTelegram, type FakeTelegramOptions, startFakeTelegram } from "./server.ts";
export { type ApiError, parseEntities, type SentMessage, TelegramWorld } from "./world.ts";
