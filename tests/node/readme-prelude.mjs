// Loaded with `node --import` before each README example. Browsers fetch the
// .wasm over HTTP; Node's fetch has no file: URLs, so this lets the README's
// browser-style `await init()` load the installed package's .wasm from disk.
// Nothing else is changed: the examples run as written.
import { readFile } from "node:fs/promises";

const httpFetch = globalThis.fetch;
globalThis.fetch = async (input, options) => {
  const url = input instanceof URL ? input : typeof input === "string" && input.startsWith("file:") ? new URL(input) : null;
  if (url && url.protocol === "file:") {
    return new Response(await readFile(url), { headers: { "content-type": "application/wasm" } });
  }
  return httpFetch(input, options);
};
