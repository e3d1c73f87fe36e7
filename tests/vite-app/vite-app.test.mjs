// A fresh Vite app that installed the packed tarball (run.sh does
// `npm install <tarball>`) builds, is served by `vite preview` with the demo's
// CSP, and ranks in headless Chromium.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { createServer } from "node:net";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { launch } from "../e2e/harness.mjs";

const app = fileURLToPath(new URL(".", import.meta.url));
const vite = `${app}node_modules/vite/bin/vite.js`;
let preview;
let url;

function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
    s.on("error", fail);
  });
}

before(async () => {
  assert.ok(existsSync(`${app}node_modules/lighttouch/package.json`), "the tarball is not installed (run tests/e2e/run.sh)");
  execFileSync(process.execPath, [vite, "build", "--logLevel", "warn"], { cwd: app, stdio: "inherit" });
  const port = await freePort();
  preview = spawn(process.execPath, [vite, "preview", "--port", String(port), "--strictPort", "--host", "127.0.0.1"], { cwd: app, stdio: ["ignore", "pipe", "inherit"] });
  url = `http://127.0.0.1:${port}`;
  await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error("vite preview did not start in 20 s")), 20000);
    preview.stdout.on("data", (chunk) => {
      if (String(chunk).includes(String(port))) {
        clearTimeout(timer);
        ok();
      }
    });
    preview.on("exit", (code) => fail(new Error(`vite preview exited with ${code}`)));
  });
});

after(() => {
  preview?.kill();
});

test("the Vite build ships the package's .wasm as an asset", () => {
  const out = execFileSync("find", ["dist", "-name", "*.wasm"], { cwd: app, encoding: "utf8" });
  assert.match(out, /\.wasm/);
});

test("the Vite app ranks in headless Chromium under the CSP", async () => {
  const browser = await launch();
  try {
    const response = await browser.page.goto(url + "/");
    assert.match(response.headers()["content-security-policy"], /script-src 'self' 'wasm-unsafe-eval'/);
    await browser.page.waitForSelector("body[data-ready='true']", { timeout: 20000 });
    const ids = await browser.page.$$eval("#top > li", (lis) => lis.map((li) => li.dataset.id));
    assert.equal(ids.length, 4);
    // Three clicks on tea: the remaining tea items outrank the more popular bikes.
    assert.deepEqual(ids.slice(0, 3).map((id) => id.split("-")[0]), ["tea", "tea", "tea"], JSON.stringify(ids));
    assert.ok(!ids.some((id) => ["tea-0", "tea-1", "tea-2"].includes(id)), "clicked items recommended again");
    assert.deepEqual(browser.consoleErrors, []);
  } finally {
    await browser.close();
  }
});
