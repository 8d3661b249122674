/**
 * The customer's name and profile picture from the Graph API (`GET /{psid}` or `GET /{igsid}`),
 * kept in the inbox's kv for a day, so each customer costs at most one profile call per day. A
 * failed lookup is remembered for an hour (the message is stored without a name meanwhile).
 */
import type { ContactIdentifier, KeyValueStore, Logger } from "@switchboard/core";
import type { GraphClient } from "@switchboard/meta-graph";
import { KINDS, type MetaKind } from "./options.ts";

export interface MetaProfile {
  name?: string;
  username?: string;
  picture?: string;
}

export const DAY_MS = 86_400_000;
const RETRY_MS = 3_600_000;

/** A cached profile lookup of one inbox (see `profileLookup`). */
export type ProfileLookup = (userId: string) => Promise<MetaProfile | undefined>;

/**
 * A cached profile lookup for one inbox.
 *
 * @example
 * const profiles = profileLookup({ graph, kv, log, kind: "messenger" });
 * const { name } = (await profiles("2468013579")) ?? {};
 */
export function profileLookup(deps: { graph: GraphClient; kv: KeyValueStore; log: Logger; kind: MetaKind }): ProfileLookup {
  return async function profileOf(userId: string): Promise<MetaProfile | undefined> {
    const key = `profile:${userId}`;
    const cached = await deps.kv.get<MetaProfile | { failed: true }>(key);
    if (cached) return "failed" in cached ? undefined : cached;
    try {
      const raw = await deps.graph.get<Record<string, string | undefined>>(`/${encodeURIComponent(userId)}`, {
        fields: KINDS[deps.kind].profileFields,
      });
      const name = raw.name ?? [raw.first_name, raw.last_name].filter(Boolean).join(" ");
      const profile: MetaProfile = {
        ...(name ? { name } : {}),
        ...(raw.username ? { username: raw.username } : {}),
        ...(raw.profile_pic ? { picture: raw.profile_pic } : {}),
      };
      await deps.kv.set(key, profile, { ttlMs: DAY_MS });
      return profile;
    } catch (error) {
      deps.log.warn({ userId, error: (error as Error).message }, "meta profile lookup failed; retrying in an hour");
      await deps.kv.set(key, { failed: true }, { ttlMs: RETRY_MS });
      return undefined;
    }
  };
}

/**
 * The enrichment facts of a contact with a Messenger or Instagram identity: `name`, `username` and
 * `profile_picture` (Meta's URL, shown as a fact; the inbox never loads it from Meta's CDN).
 *
 * @example
 * ctx.enrich(({ identifiers }) => profileFacts(identifiers, profiles), { timeoutMs: 5_000, ttlMs: DAY_MS });
 */
export async function profileFacts(
  identifiers: ContactIdentifier[],
  profiles: Map<string, ProfileLookup>,
): Promise<Record<string, string> | null> {
  for (const id of identifiers) {
    const lookup = (id.kind === "messenger" || id.kind === "instagram") && id.inbox ? profiles.get(id.inbox) : undefined;
    const profile = lookup ? await lookup(id.value) : undefined;
    if (!profile) continue;
    return {
      ...(profile.name ? { name: profile.name } : {}),
      ...(profile.username ? { username: `@${profile.username}` } : {}),
      ...(profile.picture ? { profile_picture: profile.picture } : {}),
    };
  }
  return null;
}
