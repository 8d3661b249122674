/**
 * grammY's Node build types its `signal` parameters with the `abort-controller` polyfill's
 * AbortSignal; at run time it takes the platform's. This converts the type, nothing else.
 */
import type { Api } from "grammy";

export type GrammySignal = NonNullable<Parameters<Api["getMe"]>[0]>;

/** @example await bot.api.getMe(grammySignal(AbortSignal.timeout(5000))); */
export const grammySignal = (signal: AbortSignal): GrammySignal => signal as unknown as GrammySignal;
