/**
 * `npm run playground`: a live Switchboard in one command, with nothing to sign up for. Starts
 * Switchboard with four inboxes (the API channel, Telegram and Discord against local fakes, and the
 * website chat), creates an admin, and lets simulated customers write in. Open the printed URL, sign
 * in, and answer them: they write back. Runs until Ctrl+C.
 *
 *   npm run playground -- [--port 3000] [--data <dir>] [--arrival-seconds 12] [--max-active 4]
 *                         [--patience-seconds 90] [--auto-agent] [--no-simulator] [--no-webchat] [--quiet]
 */
import { startPlayground } from "./playground.ts";

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const value = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const number = (name: string, fallback: number) => {
  const raw = value(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) {
    console.error(`--${name} expects a number, not "${raw}".`);
    process.exit(2);
  }
  return n;
};

const time = () => new Date().toTimeString().slice(0, 8);
const quiet = flag("quiet");
const playground = await startPlayground({
  port: number("port", Number(process.env.PORT ?? 3000)),
  dataDir: value("data"),
  webchat: !flag("no-webchat"),
  autoAgent: flag("auto-agent") ? { delayMs: 8_000 } : false,
  simulator: flag("no-simulator")
    ? false
    : {
        arrivalMs: number("arrival-seconds", 12) * 1000,
        maxActive: number("max-active", 4),
        patienceMs: number("patience-seconds", 90) * 1000,
        log: quiet ? undefined : (line) => console.log(`${time()}  ${line}`),
      },
});

const rule = "─".repeat(72);
console.log(
  [
    rule,
    "Switchboard playground is running.",
    "",
    `  Inbox:     ${playground.url}`,
    `  Email:     ${playground.admin.email}`,
    `  Password:  ${playground.admin.password}`,
    "",
    `  Channels:  ${playground.channels.join(", ")}`,
    playground.webchatMissing
      ? `  Webchat:   not included: ${playground.webchatMissing}`
      : `  Be a customer yourself: ${playground.shopUrl} (a demo shop with the chat widget)`,
    playground.simulator
      ? "  Simulated customers arrive every few seconds. Answer them in the inbox; they write back."
      : "  No simulated customers (--no-simulator).",
    `  Config:    ${playground.configFile}${value("data") ? "" : " (a temp folder, deleted on exit; --data <dir> keeps it)"}`,
    // performance.now() counts from the process's start, so this includes loading the code.
    `  Ready in ${(performance.now() / 1000).toFixed(1)} s. Press Ctrl+C to stop.`,
    rule,
  ].join("\n"),
);

let stopping = false;
const stop = async () => {
  if (stopping) process.exit(1);
  stopping = true;
  console.log("\nStopping the playground ...");
  const stats = playground.simulator?.stats;
  await playground.stop();
  if (stats)
    console.log(
      `${stats.customers} customers wrote ${stats.messages} messages and got ${stats.replies} replies (${stats.switches} switched channel).`,
    );
  process.exit(0);
};
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
