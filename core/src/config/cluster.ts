/**
 * Config schema of `[cluster]`: several Switchboard processes sharing one store. Without
 * `redis_url` Switchboard is one process, as it always was, with nothing more to install.
 */
import { z } from "zod";

export const clusterSchema = z
  .object({
    /**
     * A Redis server shared by every process: `redis://host:6379/0` or `rediss://…` (TLS), with
     * `redis://:password@host` for a password. Usually `"${REDIS_URL}"`.
     */
    redis_url: z
      .string()
      .regex(/^rediss?:\/\/[^\s]+$/, { message: 'expected a Redis URL such as "redis://127.0.0.1:6379" or "rediss://…" for TLS' })
      .optional(),
    /**
     * How long a process's hold on a connection (Telegram polling, a gateway, a WhatsApp Web
     * session, the event subscribers) lasts without renewal, in milliseconds; renewed every third
     * of it. When the holder dies, another process takes over within about this long.
     */
    lease_ms: z.number().int().min(1_000).max(120_000).default(10_000),
    /** This process's name in leases, logs and /healthz (default: host name and process id). */
    node_name: z
      .string()
      .regex(/^[\w.@:-]{1,100}$/, { message: "use up to 100 letters, digits and . _ - @ :" })
      .optional(),
    /** A prefix for every Redis key and channel, so several Switchboards can share one Redis. */
    key_prefix: z
      .string()
      .regex(/^[\w.:-]{1,50}$/, { message: "use up to 50 letters, digits and . _ - :" })
      .default("switchboard:"),
  })
  .strict();

export type ClusterConfig = z.infer<typeof clusterSchema>;
