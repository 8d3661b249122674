/**
 * The health of a WhatsApp Web inbox, from its connection state: in the process that holds the
 * session, its live state; anywhere else (`switchboard doctor`), what that process last recorded in
 * the inbox's kv, with when and by which pid. Nothing here opens the session.
 */
import type { ChannelHealth } from "@switchboard/core";
import type { ConnectionState, Report, ReportedState } from "./connection.ts";

const SCAN = "scan the QR code on /admin/inboxes (on the phone: WhatsApp → Settings → Linked devices → Link a device)";

/**
 * The health a state means.
 *
 * @example
 * healthOf({ state: "ready", phone: "+447700900123" }) // { ok: true, message: "Connected as +447700900123." }
 */
export function healthOf(current: ConnectionState | ReportedState): ChannelHealth {
  switch (current.state) {
    case "ready":
      return { ok: true, message: `Connected as ${current.phone}${current.name ? ` (${current.name})` : ""}.` };
    case "qr":
      return { ok: false, message: `Not paired with a phone: ${SCAN}.` };
    case "starting":
      return { ok: true, attention: true, message: "Starting Chromium and WhatsApp Web." };
    case "authenticated":
      return { ok: true, attention: true, message: "Paired; WhatsApp Web is loading the chats." };
    case "disconnected":
      return { ok: false, message: current.reason };
    case "failed":
      return { ok: false, message: current.error };
    case "stopped":
      return { ok: true, attention: true, message: "Not running: Switchboard stopped this inbox." };
  }
}

/**
 * The health seen from a process that does not hold the session (doctor), from the last report.
 *
 * @example
 * reportedHealth(await inbox.kv.get(REPORT_KEY))
 */
export function reportedHealth(report: Report | undefined): ChannelHealth {
  if (!report)
    return {
      ok: true,
      attention: true,
      message: `No state recorded yet: start Switchboard (the process that holds the session), then ${SCAN}.`,
    };
  const health = healthOf(report.connection);
  const at = new Date(report.at).toISOString().replace("T", " ").slice(0, 19);
  return { ...health, message: `As the server (pid ${report.pid}) last recorded at ${at} UTC: ${health.message}` };
}
