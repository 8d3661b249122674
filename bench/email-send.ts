/**
 * bench:email's sending MTA, in its own process so the server's peak memory is measured alone:
 * delivers one raw .eml file to 127.0.0.1:<port> with nodemailer and prints the server's answer.
 * Run by bench/email.ts: `bun bench/email-send.ts <port> <file.eml>`.
 */
import { readFileSync } from "node:fs";
import nodemailer from "nodemailer";

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
