// How Assistants runs the hooks: `all` gathers every plugin's answer and skips one that throws or
// times out (logged with its code); `stream` relays a draft chunk by chunk (or a whole one as one
// chunk), passes over plugins without a draft, and ends a stream whose next chunk is late with
// SWB_ERR_HOOK_TIMEOUT, aborting the plugin's signal; token usage reaches the listeners.
import { describe, expect, it } from "vitest";
import { createLogger } from "../log/index.ts";
import { Assistants } from "./assistants.ts";
import { PluginRegistry } from "./registry.ts";
import type { AssistantHooks, AssistantInput } from "./types.ts";

const input: AssistantInput = { conversationId: 1, channel: "test", inbox: "test", messages: [] };

function assistants(plugins: Record<string, AssistantHooks>, timeoutMs = 200) {
  const registry = new PluginRegistry();
  for (const [plugin, hooks] of Object.entries(plugins)) registry.assistants.push({ plugin, hooks });
  const logs: { msg: string; plugin?: string; error?: { code?: string } }[] = [];
  const log = createLogger({ level: "info", destination: { write: (line: string) => void logs.push(JSON.parse(line)) } });
  return { runner: new Assistants(registry, log, timeoutMs), logs };
}

async function collect(chunks: AsyncIterable<string>) {
  const out: string[] = [];
  for await (const c of chunks) out.push(c);
  return out;
}

describe("Assistants", () => {
  it("all: every plugin's answer, in order, without the failing and the late ones", async () => {
    const { runner, logs } = assistants({
      a: { summarize: async () => "from a" },
      broken: {
        summarize: async () => {
          throw new Error("boom");
        },
      },
      slow: { summarize: () => new Promise((resolve) => setTimeout(() => resolve("late"), 1000)) },
      none: { summarize: async () => null },
      b: { summarize: async () => "from b" },
    });
    expect(await runner.all("summarize", input)).toEqual([
      { plugin: "a", value: "from a" },
      { plugin: "b", value: "from b" },
    ]);
    expect(logs.filter((l) => l.msg === "assistant failed; trying the next one").map((l) => l.plugin)).toEqual(["broken", "slow"]);
    expect(logs.find((l) => l.plugin === "slow")?.error?.code).toBe("SWB_ERR_HOOK_TIMEOUT");
  });

  it("stream: relays a streamed draft, takes a whole one as one chunk, and reports usage", async () => {
    const used: unknown[] = [];
    const { runner } = assistants({
      plain: { summarize: async () => "no draft here" },
      streaming: {
        async *draft(call) {
          call.usage?.({ model: "m", promptTokens: 3, completionTokens: 2 });
          yield "Hello ";
          yield "there";
        },
      },
    });
    runner.onUsage((plugin, kind, usage) => used.push({ plugin, kind, usage }));
    const draft = await runner.stream(input);
    expect(draft?.plugin).toBe("streaming");
    expect(await collect(draft!.chunks)).toEqual(["Hello ", "there"]);
    expect(used).toEqual([{ plugin: "streaming", kind: "draft", usage: { model: "m", promptTokens: 3, completionTokens: 2 } }]);

    const whole = assistants({ w: { draft: async () => "All at once." } }).runner;
    expect(await collect((await whole.stream(input))!.chunks)).toEqual(["All at once."]);
    expect(await assistants({ p: { summarize: async () => "x" } }).runner.stream(input)).toBeNull();
  });

  it("stream: a chunk later than the timeout ends the draft with SWB_ERR_HOOK_TIMEOUT and aborts the plugin's signal", async () => {
    let aborted = false;
    const { runner } = assistants({
      stuck: {
        async *draft(call) {
          call.signal?.addEventListener("abort", () => {
            aborted = true;
          });
          yield "First ";
          await new Promise((resolve) => setTimeout(resolve, 1000));
          yield "never";
        },
      },
    });
    const draft = await runner.stream(input);
    const got: string[] = [];
    await expect(
      (async () => {
        for await (const c of draft!.chunks) got.push(c);
      })(),
    ).rejects.toMatchObject({ code: "SWB_ERR_HOOK_TIMEOUT" });
    expect(got).toEqual(["First "]);
    expect(aborted).toBe(true);
  });
});
