// Several processes: an exclusive connection, and live pushes and rate limits shared through the cluster.
import type { ChannelAdapter, PluginContext } from "@switchboard/core";

/** A long-polling channel: one process polls (the lease holder), every process may send. */
export const pollingLike: Pick<ChannelAdapter, "exclusive"> = { exclusive: "receive" };

/** A paired browser session receives and sends: only the holder does either. */
export const sessionLike: Pick<ChannelAdapter, "exclusive"> = { exclusive: "all" };

/** Pushes reach the connections every process holds; the limit counts across processes. */
export function shareLiveState(ctx: PluginContext, connections: Map<string, (text: string) => void>) {
  ctx.cluster.listen("push", (payload) => {
    const { visitor, text } = JSON.parse(payload) as { visitor: string; text: string };
    connections.get(visitor)?.(text); // only the process holding this visitor's connection has it
  });
  const perVisitor = ctx.cluster.rateLimit("messages", 20);
  return {
    push: (visitor: string, text: string) => ctx.cluster.broadcast("push", JSON.stringify({ visitor, text })),
    mayWrite: async (visitor: string) => (await perVisitor.take(visitor)).ok,
  };
}
