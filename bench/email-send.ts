/**
 * bench:email's sending side, in its own process so the server's peak memory is measured alone.
 * `bun bench/email-send.ts <port> <file.eml>` delivers one raw .eml file to 127.0.0.1:<port> with
 * nodemailer (as a sending MTA) and prints the server's answer; `bun bench/email-send.ts imap <port>
 * <user> <password> <mailbox> <file.eml>` appends it to a mailbox over IMAP (as mail arriving in a
 * mailbox the inbox polls) and prints "appended". Run by bench/email-memory.ts.
 */
import { readFileSync } from "node:fs";
import { ImapFlow } from "imapflow";
import nodemailer from "nodemailer";

if (process.argv[2] === "imap") {
  const [port, user, pass, mailbox, file] = process.argv.slice(3) as [string, string, string, string, string];
  const client = new ImapFlow({
    host: "127.0.0.1",
    port: Number(port),
    secure: false,
    doSTARTTLS: false,
    auth: { user, pass },
    logger: false,
  });
  await client.connect();
  await client.append(mailbox, readFileSync(file));
  await client.logout();
  console.log("appended");
} else {
  const [port, file] = [Number(process.argv[2]), process.argv[3]!];
  const transport = nodemailer.createTransport({
    host: "127.0.0.1",
    port,
    secure: false,
    ignoreTLS: true,
    logger: false,
    socketTimeout: 120_000,
  });
  const info = await transport.sendMail({ envelope: { from: "bob@example.com", to: ["support@acme.com"] }, raw: readFileSync(file) });
  console.log(info.response);
  transport.close();
}
