/**
 * A bare SMTP client over a loopback socket, for what nodemailer will not send: envelope addresses
 * written exactly as some mailers write them (`MAIL FROM:<ilo.@example.com>`, unquoted). Sends one
 * command per server reply and returns every reply line.
 */
import { createConnection } from "node:net";

/**
 * Runs one SMTP conversation (EHLO, MAIL FROM, RCPT TO, DATA, QUIT) and returns the reply lines.
 *
 * @example
 * const replies = await rawSmtp(port, { from: "ilo.@example.com", to: "support@acme.com", data: raw });
 * replies.at(-2); // "250 OK: message queued"
 */
export function rawSmtp(port: number, mail: { from: string; to: string; data: Buffer }, timeoutMs = 5_000): Promise<string[]> {
  const steps = [
    "EHLO test.example",
    `MAIL FROM:<${mail.from}>`,
    `RCPT TO:<${mail.to}>`,
    "DATA",
    mail.data.toString("latin1").replace(/^\./gm, "..") + "\r\n.",
    "QUIT",
  ];
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    const replies: string[] = [];
    let buffer = "";
    let step = 0;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the SMTP conversation took over ${timeoutMs} ms: ${replies.join(" | ")}`));
    }, timeoutMs);
    socket.on("data", (chunk: Buffer) => {
      buffer += chunk.toString("latin1");
      // A reply is complete at a line "NNN text" (a space, not a dash, after the code).
      while (/^\d{3} .*\r\n/m.test(buffer)) {
        const end = buffer.search(/^\d{3} .*\r\n/m);
        const line = buffer.slice(end).split("\r\n")[0]!;
        buffer = buffer.slice(end + line.length + 2);
        replies.push(line);
        if (/^[45]/.test(line) && step < steps.length - 1) step = steps.length - 1; // refused: just QUIT
        if (step < steps.length) socket.write(`${steps[step++]}\r\n`, "latin1");
      }
    });
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(replies);
    });
    socket.on("error", reject);
  });
}
