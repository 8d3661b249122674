// Identity scope: whether a channel's contact ids mean one person in every inbox of the channel.
import type { ChannelAdapter } from "@switchboard/core";

/** A Telegram user id is the same person whichever bot they write to: "channel". */
export const telegramLike: Pick<ChannelAdapter, "identityScope"> = { identityScope: "channel" };

/** An API integration's customer "42" means nothing outside its own inbox: "inbox" (the default). */
export const apiLike: Pick<ChannelAdapter, "identityScope"> = { identityScope: "inbox" };
