#!/usr/bin/env node
// A tiny static file server for the demo and the tests. It sends the
// Content-Security-Policy the page must live with (no inline script, no eval,
// only 'wasm-unsafe-eval' to compile the .wasm) and the right MIME types
// (application/wasm, so streaming compilation works).
//
// Usage: node scripts/serve.mjs [root=www] [port=8080]
// Prints "serving <root> on http://localhost:<port>" once listening.

import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";

/** The CSP every response carries. The demo needs nothing more. */
export const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".map": "application/json; charset=utf-8",
  ".ts": "text/plain; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
};

/** Starts the server; resolves with the http.Server once it listens. */
export function serve(rootDir, port, { quiet = false } = {}) {
  const root = resolve(rootDir);
  const server = createServer(async (req, res) => {
    const headers = {
      "Content-Security-Policy": CSP,
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "no-referrer",
      "Cache-Control": "no-cache",
    };
    try {
      const url = new URL(req.url, "http://localhost");
      let path = normalize(join(root, decodeURIComponent(url.pathname)));
      if (path !== root && !path.startsWith(root + sep)) {
        res.writeHead(403, headers).end("forbidden");
        return;
      }
      if ((await stat(path).catch(() => null))?.isDirectory()) path = join(path, "index.html");
      const body = await readFile(path);
      headers["Content-Type"] = MIME[extname(path)] ?? "application/octet-stream";
      res.writeHead(200, headers);
      res.end(req.method === "HEAD" ? undefined : body);
    } catch {
      headers["Content-Type"] = "text/plain; charset=utf-8";
      res.writeHead(404, headers).end("not found");
    }
  });
  return new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(port, "127.0.0.1", () => {
      if (!quiet) console.log(`serving ${rootDir} on http://localhost:${server.address().port}`);
      ok(server);
    });
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [root = "www", port = "8080"] = process.argv.slice(2);
  serve(root, Number(port)).catch((err) => {
    console.error(`could not serve ${root} on port ${port}: ${err.message}`);
    process.exit(1);
  });
}
