/**
 * The shapes of Meta's Messenger Platform webhooks (`object: "page"` and `object: "instagram"`):
 * `entry[].messaging[]` events with `sender`, `recipient`, `timestamp` and one of `message`,
 * `message_edit`, `reaction`, `read`, `delivery`, `postback`. Only the fields Switchboard reads.
 */

/** One attachment of a message. Story mentions, shares and reels carry a URL and sometimes a title. */
export interface MetaAttachment {
  type: "image" | "video" | "audio" | "file" | "share" | "story_mention" | "reel" | "ig_reel" | "fallback" | "template" | string;
  payload?: { url?: string; title?: string; reel_video_id?: string; sticker_id?: number };
}

export interface MetaMessage {
  mid: string;
  text?: string;
  attachments?: MetaAttachment[];
  quick_reply?: { payload: string };
  /** A reply to an earlier message (`mid`) or, on Instagram, to the business's story. */
  reply_to?: { mid?: string; story?: { url: string; id: string } };
  /** True for a message the page itself sent (from Switchboard, the Page inbox or the Instagram app). */
  is_echo?: boolean;
  /** The app that sent an echo. */
  app_id?: number | string;
  /** The `metadata` string the sender attached (echoes of Switchboard's sends carry ours). */
  metadata?: string;
  /** Instagram: the customer unsent this message. */
  is_deleted?: boolean;
  is_unsupported?: boolean;
}

export interface MetaMessagingEvent {
  sender: { id: string };
  recipient: { id: string };
  timestamp: number;
  message?: MetaMessage;
  message_edit?: { mid: string; text?: string; num_edit?: number };
  reaction?: { mid: string; action: "react" | "unreact"; reaction?: string; emoji?: string };
  /** Messenger: everything sent before `watermark` was read. Instagram: the message `mid` was read. */
  read?: { watermark?: number; mid?: string };
  delivery?: { mids?: string[]; watermark: number };
  postback?: { title?: string; payload?: string; mid?: string };
}

export interface MetaEntry {
  /** The page id or the Instagram account id the events are for. */
  id: string;
  time: number;
  messaging?: MetaMessagingEvent[];
}
