/**
 * The simulator's Messenger and Instagram drivers: a person DMs the page or the Instagram account
 * through the fake Messenger Platform (plugins/channel-meta/test-support), which POSTs signed
 * webhooks to Switchboard as Meta would; the agents' replies come back through the fake Send API.
 * Each person has a page-scoped id per account, and a profile the plugin looks up.
 */
import type { FakeMeta } from "../../plugins/channel-meta/test-support/fake-meta.ts";
import { customerMessage } from "../../plugins/channel-meta/test-support/fake-meta.ts";
import type { ChannelDriver } from "./simulator.ts";

/**
 * A driver for one Messenger page or Instagram account.
 *
 * @example
 * const instagram = metaDriver(meta, { kind: "instagram", account: IG_ACCOUNT, webhookUrl: () => `${url}/webhooks/instagram` });
 */
export function metaDriver(
  meta: FakeMeta,
  options: { kind: "messenger" | "instagram"; account: string; webhookUrl: () => string },
): ChannelDriver {
  const byUser = new Map<string, string>();
  const object = options.kind === "messenger" ? "page" : "instagram";
  let timer: ReturnType<typeof setInterval> | undefined;
  let seen = 0;
  return {
    name: options.kind,
    label: options.kind === "messenger" ? "Messenger" : "Instagram",
    async say(person, text) {
      // Page-scoped: the same person has another id on each page or account.
      const userId = `${options.kind === "messenger" ? 26 : 17}${String(100_000 + person.index).padStart(12, "0")}`;
      if (!byUser.has(userId)) {
        byUser.set(userId, person.key);
        meta.profiles.set(
          userId,
          options.kind === "messenger"
            ? { first_name: person.first, last_name: person.last, profile_pic: `https://example.invalid/${person.index}.jpg` }
            : { name: `${person.first} ${person.last}`, username: `${person.first}.${person.last}`.toLowerCase().replace(/[^a-z.]/g, "") },
        );
      }
      const { status, text: answer } = await meta.deliver(options.webhookUrl(), object, options.account, [
        customerMessage(userId, options.account, { text }),
      ]);
      if (status !== 200) throw new Error(`The ${options.kind} webhook answered ${status}: ${answer}`);
    },
    start(deliver) {
      timer = setInterval(() => {
        for (const sent of meta.sent.slice(seen)) {
          seen++;
          const key = sent.accountId === options.account ? byUser.get(sent.recipient) : undefined;
          const message = sent.body.message as { text?: string } | string | undefined;
          if (key) deliver(key, typeof message === "object" && message?.text ? message.text : "(a file)");
        }
      }, 200);
    },
    async stop() {
      clearInterval(timer);
    },
  };
}
