import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import { ensureChromium } from "./chromium.js";

/** Where each run of the browser tests leaves its screenshots (not committed). */
export const screenshotDir = join(dirname(fileURLToPath(import.meta.url)), "..", "screenshots");

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface TestBrowser {
  browser: Browser;
  newPage(options?: { width?: number; height?: number; colorScheme?: "light" | "dark" }): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Headless Chromium (Playwright gives each launch a fresh throw-away profile); closing fails the
 * test on any uncaught page error seen meanwhile.
 */
export async function launchBrowser(): Promise<TestBrowser> {
  const browser = await chromium.launch({ executablePath: ensureChromium(), args: FLAGS });
  const pageErrors: Error[] = [];
  return {
    browser,
    async newPage(options = {}) {
      const context = await browser.newContext({
        viewport: { width: options.width ?? 1440, height: options.height ?? 900 },
        colorScheme: options.colorScheme ?? "light",
      });
      const page = await context.newPage();
      page.on("pageerror", (error) => pageErrors.push(error));
      return page;
    },
    async close() {
      await browser.close();
      if (pageErrors.length > 0) throw new Error(`uncaught errors in the page: ${pageErrors.map(String).join("; ")}`);
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}
