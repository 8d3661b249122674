/**
 * `switchboard doctor`'s cluster check: the mode (one process, or several sharing Redis), this
 * process's node name, and whether the Redis of `[cluster] redis_url` answers a PING (within a few
 * seconds), with the fix when it does not. It takes no lease: which process holds what is on each
 * process's /healthz. The URL is shown without its password.
 */
import { createCluster } from "../cluster/index.ts";
import type { LoadedConfig } from "../config/schema.ts";
import { cliLogger } from "./common.ts";

export interface ClusterCheck {
  state: "ok" | "fail";
  label: string;
  detail: string;
}

/** How long doctor waits for Redis to answer before it says it does not. */
const REACH_MS = 3_000;

/** `redis://:secret@host:6379/0` → `redis://:***@host:6379/0`. */
export function redactRedisUrl(url: string): string {
  return url.replace(/^(rediss?:\/\/)([^@/]*)@/, (_, scheme: string, auth: string) => {
    const user = auth.includes(":") ? auth.slice(0, auth.indexOf(":")) : "";
    return `${scheme}${user}:***@`;
  });
}

/**
 * Checks `[cluster]`: one process needs nothing; with `redis_url`, Redis must answer.
 *
 * @example
 * const check = await clusterCheck(loaded);
 * report[check.state](check.label, check.detail);
 */
export async function clusterCheck(loaded: LoadedConfig): Promise<ClusterCheck> {
  const config = loaded.config.cluster;
  const named = config.node_name
    ? `this process is named "${config.node_name}" ([cluster] node_name)`
    : "each process is named <host>-<pid> unless [cluster] node_name is set";
  if (!config.redis_url)
    return { state: "ok", label: "cluster", detail: "one process (no [cluster] redis_url): it runs every inbox and every job itself" };
  const where = redactRedisUrl(config.redis_url);
  const cluster = await createCluster(config, cliLogger("silent"));
  try {
    const deadline = Date.now() + REACH_MS;
    let problem = await cluster.probe();
    while (problem && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      problem = await cluster.probe();
    }
    if (problem)
      return {
        state: "fail",
        label: "cluster",
        detail: `Redis at ${where}: ${problem} While it is away, ingestion and replies go on but exclusive inboxes (Telegram polling, gateways, WhatsApp Web) pause and live updates come only from each process reading the event log. Fix: start Redis, or correct [cluster] redis_url (host, port, password).`,
      };
    return {
      state: "ok",
      label: "cluster",
      detail: `several processes share the work through Redis at ${where} (it answers; leases last ${config.lease_ms} ms, keys start with "${config.key_prefix}"); ${named}`,
    };
  } finally {
    await cluster.stop();
  }
}
