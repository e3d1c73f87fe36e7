// The preview server sends the same Content-Security-Policy as the demo, so the
// test proves a bundled app needs nothing beyond 'wasm-unsafe-eval'.
import { defineConfig } from "vite";

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; object-src 'none'; base-uri 'none'";

export default defineConfig({
  build: { target: "es2022" },
  preview: { headers: { "Content-Security-Policy": CSP } },
});
