/**
 * Builds this process's cluster from `[cluster]`: Redis when `redis_url` is set, one process alone
 * otherwise. See types.ts for what a cluster does. The Redis side (and ioredis) is imported only
 * when it is configured: one process alone does not load it (2-4 MB resident, issue 22).
 */
import { hostname } from "node:os";
import type { ClusterConfig } from "../config/cluster.ts";
import type { Logger } from "../log/index.ts";
import { SingleProcess } from "./single.ts";
import type { Cluster } from "./types.ts";

let clustersMade = 0;

export type { Cluster, ClusterStatus, EventWindow, LeaseChange, LeaseHolder, RateLimit, Take } from "./types.ts";

/**
 * Creates the cluster of this process.
 *
 * @example
 * const cluster = await createCluster(loaded.config.cluster, log);
 */
export async function createCluster(config: ClusterConfig, log: Logger): Promise<Cluster> {
  // Distinct per Switchboard in one process (a test's second one is "-2"); Redis marks add a random suffix anyway.
  const made = ++clustersMade;
  const node = config.node_name ?? `${hostname()}-${process.pid}${made > 1 ? `-${made}` : ""}`;
  if (!config.redis_url) return new SingleProcess(node, log);
  log.info({ node, leaseMs: config.lease_ms }, "cluster: sharing work with other processes through Redis");
  const { RedisCluster } = await import("./redis.ts");
  return new RedisCluster({ url: config.redis_url, node, prefix: config.key_prefix, leaseMs: config.lease_ms, log });
}
