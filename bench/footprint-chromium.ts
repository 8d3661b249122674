/**
 * Chromium's memory for the WhatsApp Web channel (issue 17), part of `npm run bench:footprint`
 * (alone: `bun bench/footprint.ts --whatsapp-only`). whatsapp-web.js launches Debian's Chromium as
 * the channel does (plugins/channel-whatsapp-web/src/real-client.ts); the memory is the PSS
 * (proportional set size, /proc/<pid>/smaps_rollup) summed over the browser process and all its
 * descendants, because summed RSS counts the pages they share once per process. Offline (here),
 * WhatsApp Web cannot load: this measures Chromium with its error page, the floor of what the
 * channel costs; a loaded WhatsApp Web adds its own page's heap on top.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { realClients } from "../plugins/channel-whatsapp-web/src/real-client.ts";

export interface ChromiumSample {
  pssMb: number;
  processes: number;
  sessionKb: number;
  /** How initialize() ended (offline: net::ERR_NAME_NOT_RESOLVED). */
  outcome: string;
}

const parentOf = (pid: string) => {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces, so read after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return -1; // ended while we looked
  }
};

/** The process and all its descendants. */
function tree(root: number): number[] {
  const pids = readdirSync("/proc").filter((p) => /^\d+$/.test(p));
  const children = new Map<number, number[]>();
  for (const pid of pids) {
    const parent = parentOf(pid);
    children.set(parent, [...(children.get(parent) ?? []), Number(pid)]);
  }
  const all: number[] = [];
  const walk = (pid: number) => {
    all.push(pid);
    for (const child of children.get(pid) ?? []) walk(child);
  };
  walk(root);
  return all;
}

const pssKb = (pid: number) => {
  try {
    return Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"))?.[1] ?? 0);
  } catch {
    return 0;
  }
};

/**
 * Launches the channel's Chromium once and samples its PSS for a few seconds after the page settled.
 *
 * @example
 * const sample = await measureWhatsAppChromium("/usr/bin/chromium");
 */
export async function measureWhatsAppChromium(executablePath = "/usr/bin/chromium"): Promise<ChromiumSample> {
  const dir = mkdtempSync(join(tmpdir(), "switchboard-wa-bench-"));
  const client = realClients.create({
    inbox: "bench",
    sessionDir: dir,
    executablePath,
    chromiumArgs: ["--no-sandbox"],
    authTimeoutMs: 30_000,
  });
  try {
    const outcome = await client.initialize().then(
      () => "loaded",
      (error: unknown) => (error instanceof Error ? error.message : String(error)).split("\n")[0]!,
    );
    const browser = (client as unknown as { pupBrowser?: { process(): { pid?: number } | null } }).pupBrowser;
    const root = browser?.process()?.pid;
    if (!root) throw new Error(`Chromium did not start (${outcome})`);
    await Bun.sleep(3_000);
    let peak = 0;
    let processes = 0;
    for (let i = 0; i < 6; i++) {
      const pids = tree(root);
      const total = pids.reduce((sum, pid) => sum + pssKb(pid), 0);
      if (total > peak) [peak, processes] = [total, pids.length];
      await Bun.sleep(500);
    }
    const sessionKb = Number(execFileSync("du", ["-sk", dir], { encoding: "utf8" }).split("\t")[0]);
    return { pssMb: peak / 1024, processes, sessionKb, outcome };
  } finally {
    await client.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The markdown of the section, from `runs` launches.
 *
 * @example
 * writeSection("footprint-whatsapp", await whatsAppChromiumSection(3));
 */
export async function whatsAppChromiumSection(runs: number, machine: string): Promise<string> {
  const samples: ChromiumSample[] = [];
  for (let i = 0; i < runs; i++) samples.push(await measureWhatsAppChromium());
  const pss = samples.map((s) => s.pssMb).sort((a, b) => a - b);
  const lines = [
    "## Footprint: WhatsApp Web's Chromium (issue 17)",
    "",
    "`npm run bench:footprint` (or `bun bench/footprint.ts --whatsapp-only`; bench/footprint-chromium.ts): whatsapp-web.js launches Debian's Chromium headless as the channel does; memory is the PSS summed over Chromium's browser process and all its descendants (summed RSS would count shared pages once per process), the highest of 6 samples taken 3 s after the page settled.",
    "",
    `- Chromium: **${pss[0]!.toFixed(0)}-${pss.at(-1)!.toFixed(0)} MB PSS** over ${samples.map((s) => s.processes).join("/")} processes (${runs} launches). This is on top of the Switchboard process itself (see Footprint).`,
    `- Offline here, WhatsApp Web never loads (\`${samples[0]!.outcome}\`): this is Chromium with its error page, the floor of what the channel costs. A loaded WhatsApp Web adds its page's heap on top; measure it on a connected machine with the same command before sizing a small server.`,
    `- The LocalAuth session folder right after launch: ${samples.map((s) => `${(s.sessionKb / 1024).toFixed(1)} MB`).join(", ")}.`,
    "",
    `Machine: ${machine}`,
  ];
  return lines.join("\n");
}
