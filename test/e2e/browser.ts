/**
 * Headless Chromium for the end-to-end tests: Debian's /usr/bin/chromium (or CHROMIUM_PATH) driven
 * by playwright-core, never a downloaded browser. Each launch gets a fresh, throw-away profile: a
 * non-persistent launch makes its own temporary --user-data-dir (playwright_chromiumdev_profile-*,
 * it refuses the flag in `args`) and deletes it on close, so nothing leaks between test files.
 */
import { existsSync } from "node:fs";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { SESSION_COOKIE } from "../../core/src/auth/sessions.ts";

/** The flags from FIELD-NOTES: no sandbox (root in CI), no GPU, and nothing that phones home. */
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** How long any single wait in the e2e tests may take. */
export const WAIT_MS = 5_000;

export function chromiumPath(): string {
  const path = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (!existsSync(path)) {
    throw new Error(
      `No Chromium at ${path}. Install Debian's package (apt-get install -y chromium) or set CHROMIUM_PATH; never run a browser download step.`,
    );
  }
  return path;
}

export interface TestBrowser {
  browser: Browser;
  /** Uncaught errors of any page (a test may assert there were none). */
  errors: string[];
  /** A new context (its own cookies) with a page, with timeouts bounded to WAIT_MS. */
  newPage(options?: {
    colorScheme?: "light" | "dark";
    viewport?: { width: number; height: number };
  }): Promise<{ context: BrowserContext; page: Page }>;
  close(): Promise<void>;
}

/**
 * Launches Chromium with a fresh profile folder.
 *
 * @example
 * const chrome = await launchBrowser();
 * const { page } = await chrome.newPage();
 * await chrome.close();
 */
export async function launchBrowser(): Promise<TestBrowser> {
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_FLAGS, timeout: 15_000 });
  const errors: string[] = [];
  return {
    browser,
    errors,
    async newPage(options = {}) {
      const context = await browser.newContext({
        viewport: options.viewport ?? { width: 1280, height: 800 },
        colorScheme: options.colorScheme ?? "light",
      });
      context.setDefaultTimeout(WAIT_MS);
      context.setDefaultNavigationTimeout(WAIT_MS);
      const page = await context.newPage();
      page.on("pageerror", (error) => errors.push(error.message));
      return { context, page };
    },
    async close() {
      await browser.close();
    },
  };
}

/**
 * Gives a context an existing session cookie (as the sign-in form would set it), then opens `path`.
 * Only the sign-in test goes through the form: its argon2id check costs about a second per agent.
 *
 * @example
 * await useSession(page, server.url, await server.sessionFor("bob"));
 */
export async function useSession(page: Page, origin: string, token: string, path = "/inbox?view=all"): Promise<void> {
  await page.context().addCookies([{ name: SESSION_COOKIE, value: token, url: origin, httpOnly: true, sameSite: "Lax" }]);
  await page.goto(origin + path);
}

/** Resolves once the page's live stream (SSE) is open, so no event is missed after this. */
export async function waitForLive(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const body = document.body as HTMLElement & { "htmx-internal-data"?: { sseEventSource?: EventSource } };
    return body["htmx-internal-data"]?.sseEventSource?.readyState === 1;
  });
}
