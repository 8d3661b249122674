/**
 * A corpus of tricky emails, built byte by byte (CRLF, 8-bit charsets, broken structures), for the
 * tests and the benchmark. Each entry says what a correct parser must find in it.
 */
import iconv from "iconv-lite";

/** Builds a raw message from header lines and a body. */
export function eml(headers: string[], body: string | Buffer): Buffer {
  const head = Buffer.from(`${headers.join("\r\n")}\r\n\r\n`, "latin1");
  return Buffer.concat([head, typeof body === "string" ? Buffer.from(body.replace(/\r?\n/g, "\r\n"), "latin1") : body]);
}

/** An RFC 2047 B-encoded word. */
export function encodedWord(charset: string, bytes: Buffer): string {
  return `=?${charset}?B?${bytes.toString("base64")}?=`;
}

const base = (id: string, subject: string, from = "Bob Customer <bob@example.com>") => [
  `From: ${from}`,
  "To: Acme Support <support@acme.com>",
  `Subject: ${subject}`,
  `Message-ID: <${id}@mail.example.com>`,
  "Date: Tue, 03 Mar 2026 10:00:00 +0000",
  "MIME-Version: 1.0",
];

/** "こんにちは、注文について" in ISO-2022-JP (JIS X 0208 between ESC $ B and ESC ( B). */
const JIS_HELLO = Buffer.concat([Buffer.from([0x1b, 0x24, 0x42]), Buffer.from("$3$s$K$A$O", "latin1"), Buffer.from([0x1b, 0x28, 0x42])]);
/** "にほんご" in ISO-2022-JP. */
const JIS_SUBJECT = Buffer.concat([Buffer.from([0x1b, 0x24, 0x42]), Buffer.from("$K$[$s$4", "latin1"), Buffer.from([0x1b, 0x28, 0x42])]);

export interface CorpusEntry {
  name: string;
  raw: Buffer;
  /** What the parsed text must contain. */
  text?: string;
  subject?: string;
  /** true: stored flagged as unparseable; "reject": refused by the SMTP server (size). */
  flagged?: boolean;
}

/** A deterministic pseudo-random payload (so the corpus is the same on every run). */
export function payload(bytes: number, seed = 7): Buffer {
  const out = Buffer.alloc(bytes);
  let x = seed;
  for (let i = 0; i < bytes; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    out[i] = x >>> 16;
  }
  return out;
}

/** base64 wrapped at 76 columns, as MIME wants it. */
export function mimeBase64(bytes: Buffer): string {
  return bytes.toString("base64").replace(/.{76}/g, "$&\r\n");
}

/** An email with one attachment of `bytes` bytes. */
export function withAttachment(id: string, bytes: number, filename = "large.bin"): Buffer {
  return eml(
    [...base(id, "A large attachment"), 'Content-Type: multipart/mixed; boundary="att"'],
    `--att\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSee the attached file.\r\n--att\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename="${filename}"\r\nContent-Transfer-Encoding: base64\r\n\r\n${mimeBase64(payload(bytes))}\r\n--att--\r\n`,
  );
}

/** Small PNG (1x1, red). */
export const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==",
  "base64",
);

/**
 * The corpus. `large` adds the 8 MB attachment (skipped where only parsing speed matters).
 *
 * @example
 * for (const entry of corpus()) await send(entry.raw);
 */
export function corpus(options: { large?: boolean } = {}): CorpusEntry[] {
  const entries: CorpusEntry[] = [
    {
      name: "iso-2022-jp",
      raw: eml(
        [
          ...base("jis", encodedWord("ISO-2022-JP", JIS_SUBJECT)),
          "Content-Type: text/plain; charset=ISO-2022-JP",
          "Content-Transfer-Encoding: 7bit",
        ],
        Buffer.concat([JIS_HELLO, Buffer.from("\r\n")]),
      ),
      text: "こんにちは",
      subject: "にほんご",
    },
    {
      name: "shift_jis",
      raw: eml(
        [
          ...base("sjis", encodedWord("Shift_JIS", iconv.encode("注文の確認", "Shift_JIS"))),
          "Content-Type: text/plain; charset=Shift_JIS",
          "Content-Transfer-Encoding: 8bit",
        ],
        Buffer.concat([iconv.encode("注文番号は12345です。", "Shift_JIS"), Buffer.from("\r\n")]),
      ),
      text: "注文番号は12345です。",
      subject: "注文の確認",
    },
    {
      name: "koi8-r",
      raw: eml(
        [
          ...base("koi8", encodedWord("KOI8-R", iconv.encode("Заказ", "koi8-r"))),
          "Content-Type: text/plain; charset=KOI8-R",
          "Content-Transfer-Encoding: 8bit",
        ],
        Buffer.concat([iconv.encode("Здравствуйте, где мой заказ?", "koi8-r"), Buffer.from("\r\n")]),
      ),
      text: "Здравствуйте, где мой заказ?",
      subject: "Заказ",
    },
    {
      name: "utf-7",
      raw: eml(
        [...base("utf7", "=?UTF-7?Q?Caf+AOk-_cr+AOg-me?="), "Content-Type: text/plain; charset=UTF-7", "Content-Transfer-Encoding: 7bit"],
        `${iconv.encode("Hello — déjà vu, 1 < 2", "utf7").toString("latin1")}\r\n`,
      ),
      text: "Hello — déjà vu, 1 < 2",
      subject: "Café crème",
    },
    {
      name: "quoted-printable",
      raw: eml(
        [
          ...base("qp", "=?ISO-8859-1?Q?R=E9sum=E9_of_the_probl=E8me?="),
          "Content-Type: text/plain; charset=utf-8",
          "Content-Transfer-Encoding: quoted-printable",
        ],
        "Caf=C3=A9 cr=C3=A8me is missing from my order, and this line is long enough=\r\n to be soft-wrapped.\r\n",
      ),
      text: "Café crème is missing from my order, and this line is long enough to be soft-wrapped.",
      subject: "Résumé of the problème",
    },
    {
      name: "base64",
      raw: eml(
        [
          ...base("b64", "=?UTF-8?B?8J+YgCBFbW9qaQ==?= =?UTF-8?Q?_and_=C3=BCmlauts?="),
          "Content-Type: text/plain; charset=utf-8",
          "Content-Transfer-Encoding: base64",
        ],
        `${mimeBase64(Buffer.from("Grüße aus München 🙂", "utf8"))}\r\n`,
      ),
      text: "Grüße aus München 🙂",
      subject: "😀 Emoji and ümlauts",
    },
    {
      name: "nested-multipart",
      raw: eml(
        [...base("nested", "Nested parts"), 'Content-Type: multipart/mixed; boundary="outer"'],
        [
          "--outer",
          'Content-Type: multipart/alternative; boundary="alt"',
          "",
          "--alt",
          "Content-Type: text/plain; charset=utf-8",
          "",
          "The plain part.",
          "--alt",
          'Content-Type: multipart/related; boundary="rel"',
          "",
          "--rel",
          "Content-Type: text/html; charset=utf-8",
          "",
          '<p onclick="steal()">The <b>HTML</b> part <img src="cid:logo@acme"><img src="https://tracker.example/p.gif"></p><script>alert(1)</script><a href="javascript:alert(2)">x</a>',
          "--rel",
          "Content-Type: image/png",
          "Content-ID: <logo@acme>",
          "Content-Disposition: inline; filename=logo.png",
          "Content-Transfer-Encoding: base64",
          "",
          PNG.toString("base64"),
          "--rel--",
          "--alt--",
          "--outer",
          "Content-Type: application/pdf",
          'Content-Disposition: attachment; filename="invoice.pdf"',
          "Content-Transfer-Encoding: base64",
          "",
          Buffer.from("%PDF-1.4 fake invoice").toString("base64"),
          "--outer--",
          "",
        ].join("\r\n"),
      ),
      text: "The plain part.",
    },
    {
      name: "forwarded-rfc822",
      raw: eml(
        [...base("fwd", "Fwd: Original question"), 'Content-Type: multipart/mixed; boundary="fw"'],
        "--fw\r\nContent-Type: text/plain\r\n\r\nSee the mail below.\r\n--fw\r\nContent-Type: message/rfc822\r\nContent-Disposition: attachment\r\n\r\nFrom: Carol <carol@example.org>\r\nSubject: Original question\r\nMessage-ID: <inner@example.org>\r\n\r\nThe inner body.\r\n--fw--\r\n",
      ),
      text: "See the mail below.",
    },
    {
      name: "missing-message-id",
      raw: eml(
        ["From: bob@example.com", "To: support@acme.com", "Subject: No id", "Content-Type: text/plain"],
        "A message without a Message-ID.\r\n",
      ),
      text: "A message without a Message-ID.",
    },
    {
      name: "broken-boundary",
      raw: eml(
        [...base("broken", "Broken boundary"), 'Content-Type: multipart/mixed; boundary="DECLARED"'],
        "--SOMETHING-ELSE\r\nContent-Type: text/plain\r\n\r\nThe body nobody can find.\r\n--SOMETHING-ELSE--\r\n",
      ),
      text: "The body nobody can find.",
      flagged: true,
    },
    {
      name: "no-sender",
      raw: eml(["To: support@acme.com", "Subject: Who am I", "Message-ID: <nosender@x>"], "Nobody signed this.\r\n"),
      text: "Nobody signed this.",
      flagged: true,
    },
  ];
  if (options.large)
    entries.push({ name: "8mb-attachment", raw: withAttachment("large", 8 * 1024 * 1024), text: "See the attached file." });
  return entries;
}
