// What a failed start and a dropped session say: whatsapp-web.js rejects initialize() with an Error
// (offline: "net::ERR_NAME_NOT_RESOLVED at https://web.whatsapp.com/"), with the plain string
// "auth timeout" (a host that is not WhatsApp), or Puppeteer cannot start Chromium; each becomes one
// sentence with its fix. Disconnect reasons (WAState or "LOGOUT") say what happened and what to do.

import { describe, expect, it } from "vitest";
import { describeLaunchError, disconnectReason } from "./errors.ts";

const context = { authTimeoutSeconds: 60, retrySeconds: 10, executablePath: "/usr/bin/chromium" };

describe("describeLaunchError", () => {
  it("names the network error and says to fix the network", () => {
    expect(describeLaunchError(new Error("net::ERR_NAME_NOT_RESOLVED at https://web.whatsapp.com/"), context)).toBe(
      "Chromium could not reach WhatsApp Web (ERR_NAME_NOT_RESOLVED at https://web.whatsapp.com/): this machine has no internet access or cannot resolve names. Fix the network (DNS, proxy, firewall). The inbox tries again every 10 s.",
    );
  });

  it("turns the plain string 'auth timeout' into what it means", () => {
    const text = describeLaunchError("auth timeout", context);
    expect(text).toMatch(
      /^WhatsApp Web did not load within 60 s \(auth timeout\): something answered for web\.whatsapp\.com that is not WhatsApp/,
    );
    expect(text).toContain("raise options.auth_timeout_seconds");
  });

  it("says how to get Chromium when it cannot start", () => {
    const text = describeLaunchError(new Error("Browser was not found at the configured executablePath (/opt/chrome)"), {
      ...context,
      executablePath: "/opt/chrome",
    });
    expect(text).toContain("Chromium could not start from /opt/chrome");
    expect(text).toContain("apt-get install chromium");
  });

  it("keeps anything else to its first line", () => {
    expect(describeLaunchError(new Error("Protocol error\n    at stack"), context)).toBe(
      "WhatsApp Web failed to start: Protocol error. The inbox tries again every 10 s.",
    );
  });
});

describe("disconnectReason", () => {
  it("explains the reason and asks for a new scan", () => {
    expect(disconnectReason("LOGOUT")).toBe(
      "WhatsApp Web disconnected (LOGOUT: the phone logged this device out (or WhatsApp ended the linked session)). Scan the new QR code on /admin/inboxes to pair again.",
    );
  });

  it("does not promise a new scan helps a banned number", () => {
    const text = disconnectReason("TOS_BLOCK");
    expect(text).toContain("WhatsApp blocked this number for breaking its terms");
    expect(text).toContain("a new QR code will not help");
  });

  it("still says something for a reason it does not know", () => {
    expect(disconnectReason("SOMETHING_NEW")).toContain("SOMETHING_NEW: the connection was lost");
  });
});
