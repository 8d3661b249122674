/**
 * Trims quoted replies and signatures from an email's text for the timeline, with
 * email-reply-parser (quote headers in many languages, "> " quotes, "-- " signatures, Outlook
 * "From: ... Sent:" blocks, "Sent from my iPhone"). The full text is kept by the caller.
 */
import EmailReplyParser from "email-reply-parser";

export interface TrimmedText {
  /** What the customer wrote this time. */
  text: string;
  /** True when something (a quote, a signature) was cut. */
  trimmed: boolean;
}

/** Beyond this, trimming is skipped: the parser's regexes are not meant for megabytes. */
const MAX_TRIM_INPUT = 200_000;
/** A line longer than this is not a reply's: the parser's time grows with the square of a line (30,000 characters took 6 s, 60,000 took 45 s). */
const MAX_TRIM_LINE = 4_000;

/**
 * The visible part of an email's text. Falls back to the full text when trimming would leave
 * nothing (a message that is only a quote, or a forward).
 *
 * @example
 * trimReply("Thanks!\n\nOn Tue, Bob <b@x.com> wrote:\n> Hi").text; // "Thanks!"
 */
export function trimReply(full: string): TrimmedText {
  const normalised = full.replace(/\r\n?/g, "\n");
  if (normalised.length > MAX_TRIM_INPUT || normalised.split("\n").some((line) => line.length > MAX_TRIM_LINE))
    return { text: normalised.trim(), trimmed: false };
  const visible = new EmailReplyParser().read(normalised).getVisibleText().trim();
  const whole = normalised.trim();
  if (visible === "" || visible === whole) return { text: whole, trimmed: false };
  return { text: visible, trimmed: true };
}
