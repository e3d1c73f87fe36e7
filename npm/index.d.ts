// Types for the lighttouch package entry (index.js). Everything except
// createRecommender comes from the declarations wasm-bindgen writes for the
// Rust API (lighttouch.d.ts).
import { Recommender } from "./lighttouch.js";
import type { InitInput } from "./lighttouch.js";

export * from "./lighttouch.js";
export { default } from "./lighttouch.js";

/**
 * Loads the WebAssembly module (only the first time) and opens a Recommender.
 *
 * In a browser or a bundler the `.wasm` is found next to the package, so
 * `wasm` can be left out; in Node pass the module's bytes.
 *
 * @example
 * ```js
 * import { createRecommender } from "lighttouch";
 * const rec = await createRecommender({ namespace: "shop" });
 * rec.setCatalog([{ id: "sku-1", categories: ["Tea"] }]);
 * ```
 */
export declare function createRecommender(
  options: Parameters<typeof Recommender.open>[0],
  wasm?: InitInput | Promise<InitInput>,
): Promise<Recommender>;
