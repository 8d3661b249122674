// Parsing the corpus of tricky emails with the real mailparser: every charset and RFC 2047
// subject, sanitised HTML, attachments and inline images, forwards, broken structures, auto-replies
// and bounces; and the helpers that normalise Message-IDs and subjects and trim quoted replies.
// The sanitiser itself is core's (core/src/text/sanitize-html.test.ts).
import { describe, expect, it } from "vitest";
import { corpus, eml } from "../../test-support/corpus.ts";
import { CUT_MARKER, cut } from "../inbound/to-inbound.ts";
import { parseMessageIds, stripSubjectPrefixes, subjectKey } from "./message-ids.ts";
import { hasNamedTextPart } from "./named-parts.ts";
import { parseEmail, SYNTHETIC_ID_DOMAIN } from "./parse.ts";
import { fixRawHeaderBytes } from "./raw-header-bytes.ts";
import { trimReply } from "./trim.ts";
import { extractUuencoded } from "./uudecode.ts";

const entries = corpus();
const entry = (name: string) => entries.find((e) => e.name === name)!.raw;

describe("parseEmail: charsets and encoded subjects", () => {
  for (const name of ["iso-2022-jp", "shift_jis", "koi8-r", "utf-7", "quoted-printable", "base64"]) {
    it(`decodes ${name} bodies and RFC 2047 subjects`, async () => {
      const expected = entries.find((e) => e.name === name)!;
      const email = await parseEmail(expected.raw);
      expect(email.problems).toEqual([]);
      expect(email.text.trim()).toBe(expected.text);
      expect(email.subject).toBe(expected.subject);
    }, 5_000);
  }
});

describe("parseEmail: structure", () => {
  it("sanitises HTML: scripts, handlers and javascript: links gone, remote images blocked, cid images kept", async () => {
    const email = await parseEmail(entry("nested-multipart"));
    expect(email.text.trim()).toBe("The plain part.");
    const html = email.html!.html;
    expect(html).toContain("<b>HTML</b>");
    expect(html).not.toMatch(/script|onclick|javascript:|alert/i);
    expect(html).toContain('src="cid:logo@acme"');
    expect(html).toContain('data-remote-src="https://tracker.example/p.gif"');
    expect(html).not.toMatch(/\ssrc="https?:/);
    expect(email.html!.remoteImages).toBe(1);
    expect(email.attachments.map((a) => [a.filename, a.contentType, a.cid, a.inline])).toEqual([
      ["logo.png", "image/png", "logo@acme", true],
      ["invoice.pdf", "application/pdf", undefined, false],
    ]);
    expect(email.attachments[1]!.content.toString()).toBe("%PDF-1.4 fake invoice");
  }, 5_000);

  it("keeps a forwarded message/rfc822 as an .eml attachment", async () => {
    const email = await parseEmail(entry("forwarded-rfc822"));
    expect(email.text.trim()).toBe("See the mail below.");
    expect(email.attachments).toHaveLength(1);
    expect(email.attachments[0]).toMatchObject({ filename: "forwarded-message-1.eml", contentType: "message/rfc822" });
    expect(email.attachments[0]!.content.toString()).toContain("The inner body.");
  }, 5_000);

  it("makes up a stable Message-ID from the content when there is none", async () => {
    const first = await parseEmail(entry("missing-message-id"));
    const again = await parseEmail(entry("missing-message-id"));
    expect(first.messageIdMissing).toBe(true);
    expect(first.messageId).toMatch(new RegExp(`^[0-9a-f]{32}@${SYNTHETIC_ID_DOMAIN.replace(/\./g, "\\.")}$`));
    expect(again.messageId).toBe(first.messageId);
  }, 5_000);

  it("flags a broken boundary and keeps its raw body as text", async () => {
    const email = await parseEmail(entry("broken-boundary"));
    expect(email.problems).toEqual([expect.stringContaining("broken MIME structure")]);
    expect(email.text).toContain("The body nobody can find.");
  }, 5_000);

  it("flags a message without a sender, and binary garbage, without throwing", async () => {
    expect((await parseEmail(entry("no-sender"))).problems).toEqual([expect.stringContaining("no sender")]);
    const garbage = await parseEmail(Buffer.from([0, 1, 2, 0xff, 0xfe, 13, 10, 13, 10, 0x80, 0x81, 65, 66]));
    expect(garbage.problems.length).toBeGreaterThan(0);
    expect(garbage.messageIdMissing).toBe(true);
  }, 5_000);

  it("recognises auto-replies by Auto-Submitted, X-Autoreply, Precedence and list headers, but not Auto-Submitted: no", async () => {
    const with_ = (header: string) => parseEmail(eml(["From: a@example.com", "Subject: x", "Message-ID: <a@x>", header], "Away\r\n"));
    expect((await with_("Auto-Submitted: auto-replied")).autoReply).toBe("Auto-Submitted: auto-replied");
    expect((await with_("X-Autoreply: yes")).autoReply).toBe("x-autoreply: yes");
    expect((await with_("Precedence: bulk")).autoReply).toBe("Precedence: bulk");
    expect((await with_("Precedence: junk")).autoReply).toBe("Precedence: junk");
    expect((await with_("List-Id: <news.example.com>")).autoReply).toContain("mailing-list");
    expect((await with_("Auto-Submitted: no")).autoReply).toBeNull();
  }, 5_000);

  it("reads a delivery status notification: the bounced Message-ID, the action and the reason", async () => {
    const raw = eml(
      [
        "From: Mail Delivery System <MAILER-DAEMON@mx.example.com>",
        "To: support@acme.com",
        "Subject: Undelivered Mail",
        "Message-ID: <dsn@mx>",
        'Content-Type: multipart/report; report-type=delivery-status; boundary="R"',
      ],
      "--R\r\nContent-Type: text/plain\r\n\r\nCould not deliver.\r\n--R\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.com\r\n\r\nFinal-Recipient: rfc822; nobody@example.com\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 User unknown\r\n\r\n--R\r\nContent-Type: text/rfc822-headers\r\n\r\nFrom: support@acme.com\r\nMessage-ID: <swb-msg-1.abc@acme.com>\r\n\r\n--R--\r\n",
    );
    const email = await parseEmail(raw);
    expect(email.bounce).toMatchObject({
      originalMessageId: "swb-msg-1.abc@acme.com",
      action: "failed",
      error: "Bounced: 550 5.1.1 User unknown (nobody@example.com)",
    });
    expect(email.attachments.map((a) => a.contentType)).toEqual(["text/rfc822-headers"]);
  }, 5_000);
});

describe("Message-IDs, subjects, trimming", () => {
  it("normalises In-Reply-To and References given as a string, an array, or several ids in one string", () => {
    expect(parseMessageIds("<a@x>")).toEqual(["a@x"]);
    expect(parseMessageIds("<a@x> <b@x>\r\n <c@x>")).toEqual(["a@x", "b@x", "c@x"]);
    expect(parseMessageIds(["<a@x>", "<b@x> <a@x>"])).toEqual(["a@x", "b@x"]);
    expect(parseMessageIds("bare@x, other@y")).toEqual(["bare@x", "other@y"]);
    expect(parseMessageIds(undefined)).toEqual([]);
    expect(parseMessageIds("no ids here")).toEqual([]);
  });

  it("strips Re:/Fwd:/AW:/SV: and friends from subjects, repeatedly", () => {
    expect(stripSubjectPrefixes("AW: Re:  Fwd: Invoice 42")).toBe("Invoice 42");
    expect(stripSubjectPrefixes("SV: WG: RE[2]: Order")).toBe("Order");
    expect(stripSubjectPrefixes("Reply needed")).toBe("Reply needed");
    expect(subjectKey("FWD: Order #42 ")).toBe("order #42");
    expect(subjectKey("Re:")).toBe("");
  });

  it("trims quoted replies and signatures, and keeps the whole text when nothing is new", () => {
    expect(trimReply("Thanks, fixed!\r\n\r\nOn Tue, 3 Mar 2026, Acme <support@acme.com> wrote:\r\n> Try again.\r\n")).toEqual({
      text: "Thanks, fixed!",
      trimmed: true,
    });
    expect(trimReply("Danke!\n\nAm 03.03.2026 um 10:00 schrieb Acme Support <support@acme.com>:\n> Bitte neu starten.\n")).toEqual({
      text: "Danke!",
      trimmed: true,
    });
    expect(trimReply("See below.\n\n-- \nBob Smith\nCEO\n")).toEqual({ text: "See below.", trimmed: true });
    expect(trimReply("> only a quote\n")).toEqual({ text: "> only a quote", trimmed: false });
    expect(trimReply("Plain message")).toEqual({ text: "Plain message", trimmed: false });
  });
});

describe("issue 15 decoding helpers", () => {
  it("uudecodes a full 45-byte line and a short one exactly as Python's binascii.b2a_uu wrote them", () => {
    const full = extractUuencoded('begin 644 bytes.bin\nM``$"`P0%!@<("0H+#`T.#Q`1$A,4%187&!D:&QP=\'A\\@(2(C)"4F)R@I*BLL\n`\nend\n');
    expect(full.files[0]!.content.equals(Buffer.from(Array.from({ length: 45 }, (_, i) => i)))).toBe(true);
    expect(full.text).toBe("");
    const short = extractUuencoded("Hi\nbegin 644 hello.txt\n-:&5L;&\\L('=O<FQD\"@``\n`\nend\nBye\n");
    expect(short).toEqual({ text: "Hi\nBye\n", files: [{ filename: "hello.txt", content: Buffer.from("hello, world\n") }] });
  });

  it("leaves a block that is not valid uuencode as text, never half-decoded", () => {
    const text = "begin 644 notes.txt\nM this line claims 45 bytes but is short\nend\n";
    expect(extractUuencoded(text)).toEqual({ text, files: [] });
  });

  it("reads raw header bytes as UTF-8, else the declared charset; raw bytes inside a Q word by the word's charset", () => {
    const latin = Buffer.from(
      'From: "Jos\xe9" <j@x.com>\r\nSubject: =?ISO-8859-1?Q?Caf\xe9?=\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\nbody \xe9',
      "latin1",
    );
    const fixed = fixRawHeaderBytes(latin).toString("utf8");
    expect(fixed).toContain('From: "José" <j@x.com>');
    expect(fixed).toContain("Subject: =?ISO-8859-1?Q?Caf=E9?=");
    expect(fixRawHeaderBytes(latin).subarray(-6).toString("latin1")).toBe("body \xe9"); // the body is left alone
    const utf8 = Buffer.from("From: Jöe <j@x.com>\r\n\r\nhi", "utf8");
    expect(fixRawHeaderBytes(utf8).equals(utf8)).toBe(true);
  });

  it("finds named text parts without reading the whole message as a string", () => {
    expect(hasNamedTextPart(Buffer.from("Content-Type: text/plain;\r\n\tname=Makefile\r\n"))).toBe(true);
    expect(hasNamedTextPart(Buffer.from("Content-Type: text/plain; charset=utf-8\r\n\r\nname=value in a body line"))).toBe(false);
  });

  it("cuts a text to exactly the limit, marker included, without splitting a surrogate pair", () => {
    const cutText = cut("x".repeat(100_001), 100_000);
    expect(cutText.length).toBe(100_000);
    expect(cutText.endsWith(CUT_MARKER)).toBe(true);
    const emoji = cut(`${"x".repeat(100_000 - CUT_MARKER.length - 1)}🙂${"y".repeat(10)}`, 100_000);
    expect(emoji).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it("trims quickly even with one very long line (email-reply-parser is quadratic in a line)", () => {
    const started = performance.now();
    expect(trimReply(`${"A long log line that goes on. ".repeat(5_000)}\n`).trimmed).toBe(false);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
