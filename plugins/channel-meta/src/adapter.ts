/**
 * The adapter of one Messenger page or Instagram account inbox: its webhook (verification,
 * signature, then each entry to the inbox that serves its account), the mapping of each event
 * (messages, edits, deletions, echoes, receipts), sends through the Send API, the 24-hour reply
 * window with the optional HUMAN_AGENT tag, and a health check (`GET /{account id}`).
 */
import { type ChannelAdapter, type ChannelHealth, type Emit, ErrorCodes, type InboxContext, SwitchboardError } from "@switchboard/core";
import { createGraphClient, downloadUrl, mountMetaWebhook } from "@switchboard/meta-graph";
import type { MetaEntry, MetaMessagingEvent } from "./events.ts";
import { toInbound } from "./inbound.ts";
import { KINDS, type MetaKind, type MetaOptions } from "./options.ts";
import { sendToMeta } from "./outbound.ts";
import { type ProfileLookup, profileLookup } from "./profile.ts";
import type { EntryRouter } from "./router.ts";
import { isOwnMid, isSending, takeRead } from "./sent.ts";

const HOUR_MS = 3_600_000;

/**
 * Creates the adapter of one inbox of `kind`.
 *
 * @example
 * const shared = { router: new EntryRouter(), profiles: new Map() };
 * ctx.channel("messenger", { family: "social", options: metaInboxOptions, create: (inbox) => createMetaAdapter("messenger", inbox, shared) });
 */
export function createMetaAdapter(
  kind: MetaKind,
  inbox: InboxContext<MetaOptions>,
  shared: { router: EntryRouter; profiles: Map<string, ProfileLookup> },
): ChannelAdapter {
  const { router } = shared;
  const { options, kv, log } = inbox;
  const { object, network, maxText } = KINDS[kind];
  if (router.has(object, options.account_id))
    throw new SwitchboardError(
      ErrorCodes.CONFIG_INVALID,
      `${network} inbox "${inbox.name}": another inbox already serves account ${options.account_id}. Give each page or account one inbox.`,
    );
  const graph = createGraphClient({ accessToken: options.access_token, baseUrl: options.graph_url, version: options.graph_version });
  const profile = profileLookup({ graph, kv, log, kind });
  shared.profiles.set(inbox.name, profile);
  const deps = {
    kind,
    accountId: options.account_id,
    appId: options.app_id,
    isOwnMid: (mid: string) => isOwnMid(kv, mid),
    isSending: (userId: string, text: string) => isSending(kv, userId, text),
    profile,
    download: (url: string, filename: string, contentType: string | undefined) =>
      downloadUrl(url, { maxBytes: options.max_file_bytes, filename, ...(contentType ? { contentType } : {}) }),
  };
  let unregister: (() => void) | undefined;

  async function handleEvent(event: MetaMessagingEvent, emit: Emit): Promise<void> {
    const mapped = await toInbound(event, deps);
    if ("ignored" in mapped) {
      log.debug({ reason: mapped.ignored }, `${kind} event ignored`);
      return;
    }
    if ("receipt" in mapped) {
      const { userId, status, mids, watermark, mid } = mapped.receipt;
      const read = status === "read" ? await takeRead(kv, userId, { watermark, mid }) : (mids ?? []);
      for (const externalId of read) await inbox.reportDelivery({ externalId, status });
      return;
    }
    const result = await emit(mapped.message);
    if (result.status === "invalid")
      log.error({ reason: result.reason, mid: mapped.message.externalId }, `${kind} event refused by core; skipped`);
    else if (result.status === "dropped") log.info({ reason: result.reason, mid: mapped.message.externalId }, `${kind} event dropped`);
  }

  async function handleEntry(entry: MetaEntry, emit: Emit): Promise<void> {
    const events = [...(entry.messaging ?? [])].sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
    for (const event of events) {
      if (!event?.sender?.id || !event.recipient?.id) {
        log.warn({ entry: entry.id }, `${kind} event without sender or recipient; skipped`);
        continue;
      }
      await handleEvent(event, emit);
    }
  }

  return {
    // PSIDs and Instagram-scoped ids are page-scoped: the same person has another id on another page.
    identityScope: "inbox",
    limits: { maxTextLength: maxText },
    replyWindow: {
      openForMs: 24 * HOUR_MS,
      after: options.human_agent_tag ? [{ allow: "tag", tag: "HUMAN_AGENT", forMs: 6 * 24 * HOUR_MS, label: "Human agent" }] : [],
    },

    webhook(app, emit) {
      unregister = router.register(object, options.account_id, (entry) => handleEntry(entry, emit));
      mountMetaWebhook<MetaEntry>(app, {
        verifyToken: options.verify_token,
        appSecret: options.app_secret,
        objects: ["page", "instagram"],
        async handle(payload) {
          for (const entry of payload.entry) {
            if (!(await router.dispatch(payload.object, entry)))
              log.warn(
                { object: payload.object, account: entry.id },
                "meta webhook entry for an account no inbox serves; acknowledged and skipped",
              );
          }
        },
      });
    },

    send: (target, message) => sendToMeta({ graph, kv, kind, accountId: options.account_id, now: () => Date.now() }, target, message),

    async health(): Promise<ChannelHealth> {
      try {
        const me = await graph.get<{ id: string; name?: string; username?: string }>(`/${options.account_id}`, {
          fields: kind === "instagram" ? ["id", "username"] : ["id", "name"],
        });
        return { ok: true, message: `${network} account ${me.name ?? me.username ?? me.id} reachable` };
      } catch (error) {
        return {
          ok: false,
          message: `${network}: GET /${options.account_id} failed: ${(error as Error).message}. Check access_token and account_id.`,
        };
      }
    },

    stop() {
      unregister?.();
      shared.profiles.delete(inbox.name);
    },
  };
}
