/**
 * An optional stand-in agent for the playground (`--auto-agent`): answers each customer message
 * after a delay, through the same outbound pipeline as the inbox's reply box, so replies travel to
 * Telegram, Discord, the webchat and the shop's webhook on their own. Several messages in a row
 * from one conversation get one answer.
 */
import { createAgent } from "../../core/src/auth/agents.ts";
import type { Switchboard } from "../../core/src/switchboard.ts";

const ANSWERS = [
  "Thanks for writing! I'm looking into it right now.",
  "I've checked on our side, and it's sorted: you'll get an email confirmation in a few minutes.",
  "Sorry about that! Could you tell me a bit more so I can fix it?",
  "Good question. Yes, that works; nothing else to do on your side.",
];

/** Starts answering. Returns a function that stops it. */
export async function startAutoAgent(switchboard: Switchboard, options: { delayMs: number }): Promise<() => void> {
  const { agent } = await createAgent(switchboard.store, { email: "sam.auto@playground.local", name: "Sam (auto-agent)", role: "agent" });
  const pending = new Map<number, ReturnType<typeof setTimeout>>();
  let answered = 0;
  const off = switchboard.bus.on(
    "message.created",
    (event) => {
      if (event.data.direction !== "incoming") return;
      const conversationId = event.data.conversationId;
      clearTimeout(pending.get(conversationId));
      pending.set(
        conversationId,
        setTimeout(() => {
          pending.delete(conversationId);
          const text = ANSWERS[answered++ % ANSWERS.length]!;
          switchboard.outbound
            .reply({ conversationId, text, agentId: agent.id })
            .catch((error: unknown) => switchboard.log.warn({ error: (error as Error).message }, "auto-agent reply failed"));
        }, options.delayMs),
      );
    },
    "playground-auto-agent",
  );
  return () => {
    off();
    pending.forEach((timer) => clearTimeout(timer));
  };
}
