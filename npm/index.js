// lighttouch: the package entry. Re-exports the wasm-bindgen module (the
// `Recommender` class, `init` as the default export, `initSync`) and adds one
// convenience: `createRecommender`, which loads the WebAssembly once and opens
// a Recommender in a single await.
import init, { Recommender } from "./lighttouch.js";

export * from "./lighttouch.js";
export { default } from "./lighttouch.js";

/**
 * Loads the WebAssembly module (only the first time) and opens a Recommender.
 *
 * In a browser or a bundler (Vite, webpack) the `.wasm` is found next to this
 * file, so `wasm` can be left out. Elsewhere (Node), pass the module's bytes,
 * a `WebAssembly.Module`, a URL or a `Response`.
 *
 * @param {Parameters<typeof Recommender.open>[0]} [options] the same options as `Recommender.open`
 * @param {import("./lighttouch.js").InitInput | Promise<import("./lighttouch.js").InitInput>} [wasm]
 * @returns {Promise<Recommender>}
 *
 * @example
 * import { createRecommender } from "lighttouch";
 * const rec = await createRecommender({ namespace: "shop" });
 * rec.setCatalog([{ id: "sku-1", categories: ["Tea"] }]);
 */
export async function createRecommender(options, wasm) {
  await (wasm === undefined ? init() : init({ module_or_path: wasm }));
  return Recommender.open(options);
}
