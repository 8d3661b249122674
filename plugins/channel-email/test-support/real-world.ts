/**
 * One hand-written fixture per class of real-world email the channel once got wrong (issue 15):
 * odd sender addresses, a malformed MIME parameter, text over core's limit, uuencode, raw 8-bit
 * header bytes, named text attachments. Each says what must be stored. Built byte by byte so raw
 * 8-bit and CRLF are exact; fed through the real SMTP server and through Dovecot + IMAP.
 */
import { eml } from "./corpus.ts";

export interface RealWorldFixture {
  name: string;
  raw: Buffer;
  /** The stored contact: its external id, and its email identity when the address is usable. */
  contact?: { externalId: string; email?: string; name?: string };
  /** What the stored text must contain, and must not. */
  text?: string;
  notText?: string;
  subject?: string;
  /** The stored attachments' names (in order) and, for some, their exact content. */
  attachments?: string[];
  content?: Record<string, Buffer>;
  /** "odd": stored with metadata.email.oddities; "unparseable": flagged with original.eml; undefined: neither. */
  flag?: "odd" | "unparseable";
}

const head = (id: string, from: string, subject = `Fixture ${id}`) => [
  `From: ${from}`,
  "To: Acme Support <support@acme.com>",
  `Subject: ${subject}`,
  `Message-ID: <${id}@fixtures.example>`,
  "Date: Wed, 04 Mar 2026 09:00:00 +0000",
  "MIME-Version: 1.0",
];
const bytes = (...parts: (string | Buffer)[]) => Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "latin1") : p)));
const utf8 = (text: string) => Buffer.from(text, "utf8");

/** uuencoded "hello, world\n" (644 hello.txt), as `uuencode` writes it. */
const UU_HELLO = ["begin 644 hello.txt", "-:&5L;&\\L('=O<FQD\"@``", "`", "end"].join("\r\n");

/**
 * The fixtures, one per class.
 *
 * @example
 * for (const fixture of realWorldFixtures()) expect((await email.deliver(fixture.raw)).response).toMatch(/^250/);
 */
export function realWorldFixtures(): RealWorldFixture[] {
  return [
    {
      name: "quoted local part with @",
      raw: eml(head("quoted", '"x@y" <x@y>'), "A quoted local part.\r\n"),
      contact: { externalId: "x@y" },
      text: "A quoted local part.",
      flag: "odd",
    },
    {
      name: "internationalised address (RFC 6532)",
      raw: bytes(
        utf8("From: Jöe <jdöe@mächine.example>\r\n"),
        head("intl", "").slice(1).join("\r\n"),
        "\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nAn internationalised sender.\r\n",
      ),
      contact: { externalId: "jdöe@mächine.example", name: "Jöe" },
      text: "An internationalised sender.",
      flag: "odd",
    },
    {
      name: "domain without a dot",
      raw: eml(head("localhost", "guest@localhost"), "From the local host.\r\n"),
      contact: { externalId: "guest@localhost" },
      text: "From the local host.",
      flag: "odd",
    },
    {
      name: "address without a domain",
      raw: eml(head("nodomain", "<moderator>"), "From a bare name.\r\n"),
      contact: { externalId: "moderator" },
      text: "From a bare name.",
      flag: "odd",
    },
    {
      name: "bang path",
      raw: eml(head("bang", "relay!host!user"), "From a UUCP path.\r\n"),
      contact: { externalId: "relay!host!user" },
      text: "From a UUCP path.",
      flag: "odd",
    },
    {
      name: "malformed MIME parameter",
      raw: eml(
        [...head("badparam", "Bob <bob@example.com>"), 'Content-Type: multipart/mixed; boundary="b"'],
        '--b\r\nContent-Type: text/plain\r\n\r\nThe photo is attached.\r\n--b\r\nContent-Type: ; name="x.jpg"\r\nContent-Transfer-Encoding: base64\r\n\r\naGVsbG8=\r\n--b--\r\n',
      ),
      contact: { externalId: "bob@example.com", email: "bob@example.com" },
      text: "The photo is attached.",
      attachments: ["x.jpg"],
      content: { "x.jpg": Buffer.from("hello") },
    },
    {
      name: "text over 100,000 characters",
      raw: eml(
        [...head("long", "Bob <bob@example.com>"), "Content-Type: text/plain; charset=utf-8"],
        `${"A long log line that goes on. ".repeat(5_000)}THE END\r\n`,
      ),
      text: "…[cut: the full text is attached as full-text.txt]",
      attachments: ["full-text.txt", "original.eml"],
    },
    {
      name: "reply over a long quote (the whole text too big for metadata)",
      raw: eml(
        head("longquote", "Bob <bob@example.com>"),
        `Thanks, that fixed it!\r\n\r\nOn Tue, 3 Mar 2026, Acme <support@acme.com> wrote:\r\n${"> An earlier line of the thread, quoted again.\r\n".repeat(500)}`,
      ),
      text: "Thanks, that fixed it!",
      notText: "An earlier line",
      attachments: ["full-text.txt"],
    },
    {
      name: "uuencoded block inside a text part",
      raw: eml(head("uuinline", "Bob <bob@example.com>"), `Here is the file.\r\n\r\n${UU_HELLO}\r\n\r\nThanks.\r\n`),
      text: "Here is the file.",
      notText: "begin 644",
      attachments: ["hello.txt"],
      content: { "hello.txt": Buffer.from("hello, world\n") },
    },
    {
      name: "x-uuencode part",
      raw: eml(
        [...head("uupart", "Bob <bob@example.com>"), 'Content-Type: multipart/mixed; boundary="b"'],
        `--b\r\nContent-Type: text/plain\r\n\r\nSee the part.\r\n--b\r\nContent-Type: application/octet-stream; name="hello.txt"\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\n${UU_HELLO}\r\n--b--\r\n`,
      ),
      text: "See the part.",
      attachments: ["hello.txt"],
      content: { "hello.txt": Buffer.from("hello, world\n") },
    },
    {
      name: "raw UTF-8 attachment file name",
      raw: bytes(
        [...head("rawname", "Bob <bob@example.com>"), 'Content-Type: multipart/mixed; boundary="b"'].join("\r\n"),
        "\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nA picture.\r\n--b\r\nContent-Type: image/png; name=",
        utf8("Картинка.png"),
        "\r\nContent-Disposition: attachment; filename=",
        utf8("Картинка.png"),
        "\r\nContent-Transfer-Encoding: base64\r\n\r\naGVsbG8=\r\n--b--\r\n",
      ),
      attachments: ["Картинка.png"],
    },
    {
      name: "raw 8-bit byte inside an encoded-word subject",
      raw: bytes(
        [
          "From: Bob <bob@example.com>",
          "To: support@acme.com",
          "Message-ID: <rawword@fixtures.example>",
          "Subject: =?ISO-8859-1?Q?Caf\xe9_cr\xe8me?=",
          "Content-Type: text/plain; charset=iso-8859-1",
        ].join("\r\n"),
        "\r\n\r\nAbout the order.\r\n",
      ),
      subject: "Café crème",
    },
    {
      name: "raw Latin-1 byte in a display name",
      raw: bytes(
        [
          'From: "Jos\xe9 Garc\xeda" <jose@example.com>',
          "To: support@acme.com",
          "Message-ID: <rawlatin@fixtures.example>",
          "Subject: Hola",
          "Content-Type: text/plain; charset=iso-8859-1",
        ].join("\r\n"),
        "\r\n\r\nHola.\r\n",
      ),
      contact: { externalId: "jose@example.com", email: "jose@example.com", name: "José García" },
    },
    {
      name: "named text attachment",
      raw: eml(
        [...head("makefile", "Bob <bob@example.com>"), 'Content-Type: multipart/mixed; boundary="b"'],
        "--b\r\nContent-Type: text/plain\r\n\r\nThe build fails with this Makefile.\r\n--b\r\nContent-Type: text/plain; name=Makefile\r\nContent-Disposition: inline; filename=Makefile\r\n\r\nall:\r\n\tcc -o app main.c\r\n--b--\r\n",
      ),
      text: "The build fails with this Makefile.",
      notText: "cc -o app",
      attachments: ["Makefile"],
      content: { Makefile: Buffer.from("all:\r\n\tcc -o app main.c") },
    },
    {
      name: "binary garbage",
      raw: Buffer.from([0, 1, 2, 0xff, 0xfe, 13, 10, 13, 10, 0x80, 0x81, 65, 66, 13, 10]),
      attachments: ["original.eml"],
      flag: "unparseable",
    },
  ];
}
