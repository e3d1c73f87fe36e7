// A Node ESM project that installed the packed tarball (`npm install
// lighttouch-x.y.z.tgz`, done by run.sh) and uses it through its package name.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import init, { initSync, Recommender, createRecommender } from "lighttouch";

const wasmUrl = new URL(import.meta.resolve("lighttouch/lighttouch_bg.wasm"));
const bytes = await readFile(wasmUrl);
initSync({ module: bytes });

const catalog = JSON.parse(await readFile(new URL("../../www/catalog.json", import.meta.url), "utf8"));
/** The demo catalogue with only the fields lighttouch ranks on. */
const items = catalog.items.map(({ id, title, categories, tags, published, popularity, vector }) => ({ id, title, categories, tags, published, popularity, vector }));
const byId = new Map(items.map((it) => [it.id, it]));

test("the package resolves through its exports map", () => {
  const require = createRequire(import.meta.url);
  const pkg = require("lighttouch/package.json");
  assert.equal(pkg.name, "lighttouch");
  assert.equal(pkg.type, "module");
  assert.equal(pkg.sideEffects, false);
  assert.equal(pkg.exports["."].types, "./index.d.ts");
  assert.equal(typeof init, "function");
  assert.equal(typeof initSync, "function");
  assert.equal(typeof Recommender.open, "function");
  assert.equal(typeof createRecommender, "function");
});

test("clicking three items of one category makes it lead the recommendations", () => {
  const rec = Recommender.open({ namespace: "node-consumer", storage: "memory" });
  rec.setCatalog(items);
  const cold = rec.recommend({ k: 10 });
  assert.equal(cold.length, 10);
  // An aisle absent from the cold-start list, so the effect is the clicks' doing.
  const present = new Set(cold.flatMap((r) => byId.get(r.id).categories));
  const aisle = catalog.categories.find((c) => !present.has(c));
  assert.ok(aisle, "every category is already in the cold-start list");
  const clicked = items.filter((it) => it.categories[0] === aisle).slice(0, 3);
  for (const it of clicked) rec.record({ item: it.id, kind: "click" });

  const top = rec.recommend({ k: 10 });
  assert.equal(top.length, 10);
  assert.ok(byId.get(top[0].id).categories.includes(aisle), `expected ${aisle} first, got ${top[0].id} ${byId.get(top[0].id).categories}`);
  const fromAisle = top.slice(0, 5).filter((r) => byId.get(r.id).categories.includes(aisle)).length;
  assert.ok(fromAisle >= 3, `only ${fromAisle} of the top 5 are ${aisle}`);
  assert.ok(top[0].reasons.some((r) => r.kind === "category" && r.name === aisle), JSON.stringify(top[0].reasons));
  for (const it of clicked) assert.ok(!top.some((r) => r.id === it.id), `already-clicked ${it.id} recommended`);
  for (let i = 1; i < top.length; i++) assert.ok(top[i - 1].score >= top[i].score, "not sorted by score");
  const sentence = rec.explain(top[0].id);
  assert.equal(typeof sentence, "string");
  assert.ok(sentence.length > 0);
  assert.equal(rec.status().events, 3);
  rec.forget();
  assert.equal(rec.status().events, 0);
  assert.deepEqual(rec.recommend({ k: 10 }).map((r) => r.id), cold.map((r) => r.id));
});

test("createRecommender loads the wasm from bytes and opens in one await", async () => {
  const rec = await createRecommender({ namespace: "node-create", storage: "memory" }, bytes);
  rec.setCatalog(items.slice(0, 30));
  assert.equal(rec.recommend({ k: 5 }).length, 5);
});

test("bad input is a JS Error naming the item, not a crash", () => {
  const rec = Recommender.open({ namespace: "node-errors", storage: "memory" });
  rec.setCatalog(items.slice(0, 5));
  assert.throws(
    () => rec.setCatalog([{ id: "a", categories: ["x"] }, { id: "a", categories: ["y"] }]),
    (err) => err instanceof Error && err.name === "CatalogError" && /item 1 \(id "a"\)/.test(err.message) && /"id"/.test(err.message),
  );
  // The failed load left the previous catalogue in place.
  assert.equal(rec.recommend({ k: 10 }).length, 5);
  assert.throws(() => rec.record({ item: "sku-001", kind: "teleport" }), (err) => err instanceof Error && err.name === "EventError" && /teleport/.test(err.message));
});
