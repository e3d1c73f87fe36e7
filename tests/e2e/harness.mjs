// Shared plumbing for the browser tests: a static server with the demo's CSP,
// headless Chromium (the system one, driven by playwright-core) in a fresh
// profile, and a page that records every console error so a test can fail on it.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { serve } from "../../scripts/serve.mjs";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const WWW = join(ROOT, "www");
export const ARTIFACTS = join(ROOT, "artifacts");
export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Serves `root` on a free port; returns { url, close }. */
export async function startServer(root = WWW) {
  const server = await serve(root, 0, { quiet: true });
  return {
    url: `http://localhost:${server.address().port}`,
    close: () => new Promise((ok) => server.close(ok)),
  };
}

/**
 * Launches Chromium with a fresh --user-data-dir. Returns { context, page,
 * consoleErrors, close }. consoleErrors collects console.error messages and
 * uncaught page errors of every page in the context.
 */
export async function launch({ width = 1280, height = 800, acceptDownloads = false } = {}) {
  const profile = await mkdtemp(join(tmpdir(), "lighttouch-e2e-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width, height },
    acceptDownloads,
  });
  const consoleErrors = [];
  const watch = (page) => {
    page.on("console", (msg) => {
      if (msg.type() === "error") consoleErrors.push(`${msg.text()} (${msg.location().url ?? "?"})`);
    });
    page.on("pageerror", (err) => consoleErrors.push(`uncaught: ${err.message}`));
    page.on("dialog", (dialog) => {
      consoleErrors.push(`unexpected dialog: ${dialog.message()}`);
      dialog.dismiss().catch(() => {});
    });
  };
  context.pages().forEach(watch);
  context.on("page", watch);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    consoleErrors,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Opens the demo and waits until it has rendered with the real library. */
export async function openDemo(page, url) {
  const response = await page.goto(url + "/");
  await page.waitForSelector("body[data-ready='true'], #for-you[data-mode='error']", { timeout: 20000 });
  const mode = await page.getAttribute("#for-you", "data-mode");
  if (mode === "error") throw new Error(`demo failed to start: ${await page.textContent("#notice")}`);
  return response;
}

/** The "For you" row as [{ id, categories: [..], reasons: "kind kind" }]. */
export function forYou(page) {
  return page.$$eval("#for-you-list > li", (lis) =>
    lis.map((li) => ({ id: li.dataset.id, categories: li.dataset.categories.split("|"), reasons: li.dataset.reasons })),
  );
}

/** Every localStorage key of ours (the demo's namespace is "demo"). */
export function ourKeys(page) {
  return page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("lighttouch:")));
}
