/**
 * What went wrong with an IMAP connection, in the server's own words, with the fix: shown in the
 * inbox health (the admin page and `switchboard doctor`) and logged. imapflow's own messages are
 * often only "Command failed"; the server's answer is in `responseText`.
 */
import type { ImapOptions } from "../options.ts";

interface ImapFlowError {
  message?: string;
  code?: string;
  responseText?: string;
  serverResponseCode?: string;
  authenticationFailed?: boolean;
}

/**
 * Describes a failed IMAP connection or command as one line: what failed, what the server said, and what to change.
 *
 * @example
 * describeImapProblem(error, options.imap);
 * // 'IMAP 127.0.0.1:143, mailbox "Inbx": the mailbox could not be opened (server said: "Mailbox doesn't exist: Inbx"). Fix: set options.imap.mailbox to a mailbox that exists (names are case-sensitive; "INBOX" always exists).'
 */
export function describeImapProblem(
  error: unknown,
  options: Pick<ImapOptions, "host" | "port" | "mailbox" | "user">,
  port: number,
): string {
  const e = (typeof error === "object" && error !== null ? error : { message: String(error) }) as ImapFlowError;
  const where = `IMAP ${options.host}:${port}, mailbox "${options.mailbox}"`;
  const said = e.responseText
    ? ` (server said: "${e.responseText}")`
    : e.message && e.message !== "Command failed"
      ? ` (${e.message})`
      : "";
  if (e.authenticationFailed || e.serverResponseCode === "AUTHENTICATIONFAILED")
    return `${where}: the login as "${options.user}" was refused${said}. Fix: check options.imap.user and options.imap.password.`;
  if (
    e.serverResponseCode === "NONEXISTENT" ||
    /mailbox/i.test(e.responseText ?? "") ||
    (e as { mailboxMissing?: boolean }).mailboxMissing
  ) {
    return `${where}: the mailbox could not be opened${said}. Fix: set options.imap.mailbox to a mailbox that exists (names are case-sensitive; "INBOX" always exists).`;
  }
  if (e.code === "ECONNREFUSED")
    return `${where}: the connection was refused${said}. Fix: check that the server runs and that options.imap.host and options.imap.port are right.`;
  if (e.code === "ENOTFOUND" || e.code === "EAI_AGAIN")
    return `${where}: the host name does not resolve${said}. Fix: check options.imap.host.`;
  if (e.code === "ETIMEDOUT" || e.code === "CONNECT_TIMEOUT" || e.code === "GREETING_TIMEOUT")
    return `${where}: the server did not answer in time${said}. Fix: check options.imap.host, options.imap.port and any firewall in between.`;
  if (/certificate|tls|ssl/i.test(e.message ?? ""))
    return `${where}: the secure connection failed${said}. Fix: check options.imap.security ("tls" for port 993, "starttls" for 143).`;
  return `${where}: ${e.message ?? "the connection failed"}${e.responseText ? ` (server said: "${e.responseText}")` : ""}. Fix: check options.imap (host, port, security, user, password, mailbox).`;
}
