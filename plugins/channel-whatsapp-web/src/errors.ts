/**
 * What went wrong with WhatsApp Web, said so a self-hoster can act: launch failures (no network, no
 * Chromium, a host that is not WhatsApp) and why WhatsApp dropped a session. whatsapp-web.js
 * rejects `initialize()` with an Error (`net::ERR_NAME_NOT_RESOLVED at https://web.whatsapp.com/`)
 * or with the plain string "auth timeout"; both become one sentence with a fix.
 */

const text = (error: unknown) => (error instanceof Error ? error.message : typeof error === "string" ? error : JSON.stringify(error));

/**
 * A failed start, described with its fix.
 *
 * @example
 * describeLaunchError(new Error("net::ERR_NAME_NOT_RESOLVED at https://web.whatsapp.com/"), { authTimeoutSeconds: 60, retrySeconds: 10, executablePath: "/usr/bin/chromium" });
 */
export function describeLaunchError(
  error: unknown,
  context: { authTimeoutSeconds: number; retrySeconds: number; executablePath: string },
): string {
  const message = text(error);
  const retry = `The inbox tries again every ${context.retrySeconds} s.`;
  const network = /net::(ERR_[A-Z_]+)/.exec(message);
  if (network)
    return `Chromium could not reach WhatsApp Web (${network[1]} at https://web.whatsapp.com/): this machine has no internet access or cannot resolve names. Fix the network (DNS, proxy, firewall). ${retry}`;
  if (message === "auth timeout")
    return `WhatsApp Web did not load within ${context.authTimeoutSeconds} s (auth timeout): something answered for web.whatsapp.com that is not WhatsApp (a proxy or captive portal?), or the machine is too slow. Open https://web.whatsapp.com from this machine, or raise options.auth_timeout_seconds. ${retry}`;
  if (/Failed to launch the browser process|Browser was not found|ENOENT|spawn/i.test(message))
    return `Chromium could not start from ${context.executablePath} (${message.split("\n")[0]}): install it (apt-get install chromium) or set options.executable_path; as root, keep "--no-sandbox" in options.chromium_args. ${retry}`;
  return `WhatsApp Web failed to start: ${message.split("\n")[0]}. ${retry}`;
}

/** What each disconnect reason means for the admin (whatsapp-web.js's WAState, or "LOGOUT"). */
const REASONS: Record<string, string> = {
  LOGOUT: "the phone logged this device out (or WhatsApp ended the linked session)",
  CONFLICT: "WhatsApp Web was opened somewhere else with this number",
  UNPAIRED: "the phone unlinked this device",
  UNPAIRED_IDLE: "the linked session expired",
  TOS_BLOCK: "WhatsApp blocked this number for breaking its terms (often for spam-like sending)",
  SMB_TOS_BLOCK: "WhatsApp blocked this business number for breaking its terms",
  PROXYBLOCK: "WhatsApp refused the connection from this network",
  DEPRECATED_VERSION: "WhatsApp no longer accepts this WhatsApp Web version: update whatsapp-web.js",
  NAVIGATION: "WhatsApp Web navigated away (usually a logout)",
};

/**
 * The reason `channel.disconnected` and the health check give.
 *
 * @example
 * disconnectReason("LOGOUT") // "WhatsApp Web disconnected (LOGOUT: the phone logged this device out ...). ..."
 */
export function disconnectReason(reason: string): string {
  const meaning = REASONS[reason] ?? "the connection was lost";
  const blocked = reason.includes("TOS_BLOCK");
  return `WhatsApp Web disconnected (${reason}: ${meaning}). ${
    blocked
      ? "Sending is paused; a new QR code will not help until WhatsApp lifts the block."
      : "Scan the new QR code on /admin/inboxes to pair again."
  }`;
}
