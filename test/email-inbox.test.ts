// An HTML email through the real email channel (embedded SMTP server, mailparser, sanitiser) to the
// agent inbox: the trimmed text in the timeline, the original in a sandboxed frame whose inline
// image points at its attachment, remote images held back until asked for, and no script anywhere.
import { afterEach, describe, expect, it } from "vitest";
import { createAgent } from "../core/src/auth/agents.ts";
import { signIn } from "../core/src/inbox/fixtures.ts";
import { eml, mimeBase64, PNG } from "../plugins/channel-email/test-support/corpus.ts";
import { type EmailHarness, startEmailHarness } from "../plugins/channel-email/test-support/harness.ts";

let email: EmailHarness | undefined;
afterEach(async () => {
  await email?.close();
  email = undefined;
});

function htmlEmail(): Buffer {
  const boundary = "b1";
  const related = "r1";
  return eml(
    [
      "From: Bob <bob@example.com>",
      "To: support@acme.com",
      "Subject: Broken invoice",
      "Message-ID: <html-1@example.com>",
      `Content-Type: multipart/alternative; boundary="${boundary}"`,
    ],
    [
      `--${boundary}`,
      "Content-Type: text/plain; charset=utf-8",
      "",
      "The invoice total is wrong.",
      "",
      "-- ",
      "Bob, Example Corp",
      `--${boundary}`,
      `Content-Type: multipart/related; boundary="${related}"`,
      "",
      `--${related}`,
      "Content-Type: text/html; charset=utf-8",
      "",
      `<p onclick="steal()">The invoice <b>total</b> is wrong.</p><script>window.top.pwned=1</script><img src="cid:logo@x"><img src="https://tracker.example/pixel.gif">`,
      `--${related}`,
      "Content-Type: image/png",
      "Content-ID: <logo@x>",
      "Content-Transfer-Encoding: base64",
      "",
      mimeBase64(PNG),
      `--${related}--`,
      `--${boundary}--`,
      "",
    ].join("\r\n"),
  );
}

describe("an HTML email in the inbox", () => {
  it("shows the trimmed text, and the sanitised original in a sandboxed frame with images on request", async () => {
    email = await startEmailHarness();
    await email.deliver(htmlEmail());
    const [message] = await email.messages();
    await createAgent(email.harness.switchboard.store, {
      email: "ada@example.com",
      name: "Ada",
      role: "admin",
      password: "correct-horse-battery",
    });
    const browser = await signIn(email.harness, "ada@example.com", "correct-horse-battery");

    const page = await (await browser.get(`/inbox/conversations/${message!.conversationId}`)).text();
    expect(page).toContain("The invoice total is wrong.");
    expect(page).toContain(
      `<iframe name="frame-${message!.id}" sandbox="allow-popups allow-popups-to-escape-sandbox" src="/inbox/messages/${message!.id}/html"`,
    );
    expect(page).toContain("Load remote images");

    const frame = await browser.get(`/inbox/messages/${message!.id}/html`);
    const csp = frame.headers.get("Content-Security-Policy")!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("sandbox");
    expect(csp).toContain("img-src 'self' data:;");
    expect(frame.headers.get("X-Frame-Options")).toBe("SAMEORIGIN");
    const html = await frame.text();
    expect(html).not.toMatch(/<script|onclick|steal\(/);
    expect(html).toMatch(/<img src="\/inbox\/attachments\/\d+"/);
    expect(html).not.toMatch(/\ssrc="https:\/\/tracker/);
    expect(html).toContain('data-remote-src="https://tracker.example/pixel.gif"');
    const inline = /<img src="(\/inbox\/attachments\/\d+)"/.exec(html)![1]!;
    expect((await browser.get(inline)).headers.get("Content-Type")).toBe("image/png");

    const withImages = await browser.get(`/inbox/messages/${message!.id}/html?images=1`);
    expect(withImages.headers.get("Content-Security-Policy")).toContain("https:");
    expect(await withImages.text()).toContain('src="https://tracker.example/pixel.gif"');

    expect((await email.harness.request(`/inbox/messages/${message!.id}/html`)).status).toBe(303);
  });
});
