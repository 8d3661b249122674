// Pairing and the connection's life, through the real adapter over a Client-like fake: the QR code
// on /admin/inboxes (an SVG rendered on the server) and its live stream, the paired number, health,
// a dropped session (channel.disconnected, the admin page, a new client with a new QR code), and
// what doctor (a process that never opens the session) reads from the inbox's kv.

import type { SwitchboardEvent } from "@switchboard/core";
import { createTestAgent, signInAgent, waitFor } from "@switchboard/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { fakeClients } from "../test-support/fake-client.ts";
import { startWhatsAppInbox, type WhatsAppInbox } from "../test-support/kit.ts";
import { createWhatsAppWebAdapter } from "./adapter.ts";
import { whatsAppWebInboxOptions } from "./options.ts";

let inbox: WhatsAppInbox | undefined;
afterEach(async () => {
  await inbox?.close();
  inbox = undefined;
});

async function adminPage(current: WhatsAppInbox) {
  await createTestAgent(current.harness, { name: "Ada Admin", email: "ada@example.com", role: "admin" });
  const { cookie } = await signInAgent(current.harness.request, "ada@example.com", "correct-horse-battery");
  return (path: string) => current.harness.request(path, { headers: { Cookie: cookie } });
}

describe("pairing from the admin inbox page", () => {
  it("shows the QR code as an SVG, streams the next one, then the paired number; health follows", async () => {
    inbox = await startWhatsAppInbox();
    const get = await adminPage(inbox);
    const client = await inbox.client();
    await waitFor(async () => (await inbox!.harness.switchboard.inboxes.health("wa")).ok === false);
    expect(await inbox.harness.switchboard.inboxes.health("wa")).toEqual({
      ok: false,
      message: expect.stringContaining("scan the QR code on /admin/inboxes"),
    });

    const page = await (await get("/admin/inboxes")).text();
    expect(page).toContain('sse-connect="/admin/inboxes/wa/panel/events"');
    expect(page).toMatch(/<figure class="qr"[^>]*><svg xmlns="http:\/\/www.w3.org\/2000\/svg"[^>]*viewBox/);
    expect(page).toContain("Linked devices");

    const stream = await get("/admin/inboxes/wa/panel/events");
    const reader = stream.body!.getReader();
    let text = "";
    const readUntil = async (needle: string) => {
      while (!text.includes(needle)) text += new TextDecoder().decode((await reader.read()).value);
    };
    await readUntil("<svg");
    const firstQr = text;
    client.emit("qr", inbox.world.nextQr()); // WhatsApp rotates the code every few seconds
    text = "";
    await readUntil("<svg");
    expect(text).not.toBe(firstQr);

    text = "";
    client.scan();
    await readUntil("+447700900999");
    expect(text).toContain("Connected");
    expect(text).toContain("Acme Support");
    await reader.cancel();
    expect(await inbox.harness.switchboard.inboxes.health("wa")).toEqual({
      ok: true,
      message: "Connected as +447700900999 (Acme Support).",
    });
  });

  it("a restart with a saved session needs no scan", async () => {
    inbox = await startWhatsAppInbox({}, { prepare: (world) => (world.paired = true) }); // LocalAuth kept the session
    await inbox.client();
    await waitFor(async () => (await inbox!.harness.switchboard.inboxes.health("wa")).ok);
    expect(inbox.world.clients).toHaveLength(1);
  });
});

describe("when WhatsApp drops the session", () => {
  it("a refused saved session (auth_failure) is reported and followed by a fresh client with a new QR code", async () => {
    inbox = await startWhatsAppInbox();
    const first = await inbox.client();
    first.emit("auth_failure", "Unable to log in. Are the session details valid?");
    await waitFor(() => inbox!.world.clients.length === 2 && inbox!.world.clients[1]!.initialized);
    expect(first.destroyed).toBe(true);
    await waitFor(async () => (await inbox!.harness.switchboard.inboxes.health("wa")).message?.includes("Not paired"));
  });

  it("publishes channel.disconnected, says so on the admin page and in health, and starts again with a new QR code", async () => {
    inbox = await startWhatsAppInbox();
    const get = await adminPage(inbox);
    const events: SwitchboardEvent<"channel.disconnected">[] = [];
    inbox.harness.switchboard.bus.on("channel.disconnected", (event) => void events.push(event), "test");
    const first = await inbox.client();
    first.scan();
    await waitFor(async () => (await inbox!.harness.switchboard.inboxes.health("wa")).ok);

    first.drop("LOGOUT");
    await waitFor(() => events.length === 1);
    expect(events[0]!.data).toEqual({ inbox: "wa", channel: "whatsapp-web", reason: expect.stringContaining("LOGOUT") });
    expect(events[0]!.data.reason).toContain("Scan the new QR code on /admin/inboxes");
    expect(first.destroyed).toBe(true);

    // restart_after_seconds = 0 here: a new client comes up and shows a new code.
    await waitFor(() => inbox!.world.clients.length === 2 && inbox!.world.clients[1]!.initialized);
    await waitFor(async () => (await inbox!.harness.switchboard.inboxes.health("wa")).message?.includes("Not paired"));
    const page = await (await get("/admin/inboxes")).text();
    expect(page).toContain("<svg");
    expect(page).toContain("unhealthy");
  });

  it("health shows the disconnect while the new client starts", async () => {
    inbox = await startWhatsAppInbox({ restart_after_seconds: 3600 });
    const client = await inbox.client();
    client.scan();
    await waitFor(async () => (await inbox!.harness.switchboard.inboxes.health("wa")).ok);
    client.drop("CONFLICT");
    await waitFor(async () => !(await inbox!.harness.switchboard.inboxes.health("wa")).ok);
    const health = await inbox.harness.switchboard.inboxes.health("wa");
    expect(health.message).toContain("CONFLICT: WhatsApp Web was opened somewhere else with this number");
    expect(inbox.world.clients).toHaveLength(1);
  });
});

describe("doctor's view (a process that does not hold the session)", () => {
  it("reports what the session holder last recorded, and never creates a client", async () => {
    inbox = await startWhatsAppInbox();
    const client = await inbox.client();
    client.scan();
    await waitFor(async () => (await inbox!.harness.switchboard.inboxes.health("wa")).ok);
    client.drop("UNPAIRED");
    await waitFor(async () => (await inbox!.harness.switchboard.inboxes.health("wa")).message?.includes("Not paired"));
    const clientsBefore = inbox.world.clients.length;
    // Doctor builds the inbox's adapter over the same database, without starting it.
    const { createKeyValueStore } = await import("../../../core/src/plugins/kv.ts");
    const observer = createWhatsAppWebAdapter(
      {
        name: "wa",
        options: whatsAppWebInboxOptions.parse({ session_dir: inbox.sessionDir }),
        log: inbox.harness.switchboard.log,
        publicUrl: "http://localhost",
        kv: createKeyValueStore(inbox.harness.switchboard.store, inbox.harness.clock, "inbox:wa"),
        typing: async () => {},
        reportDelivery: async () => false,
        disconnected: async () => {},
      },
      fakeClients,
    );
    // The holder writes its state as it changes (the drop, then the new QR code); doctor reads the
    // last one written, so it waits for that one rather than take the drop's record for it.
    const health = await waitFor(async () => {
      const seen = await observer.health!();
      return seen.ok === false && seen.message?.includes("Not paired") ? seen : undefined;
    });
    expect(health.message).toMatch(/^As the server \(pid \d+\) last recorded at .* UTC: Not paired with a phone/);
    expect(inbox.world.clients).toHaveLength(clientsBefore);
  });
});
