// What a web developer writes after `npm install lighttouch`: the bundler
// finds the .wasm through `new URL(..., import.meta.url)` inside the package.
import init, { Recommender } from "lighttouch";

const catalog = [
  ...["Oolong", "Sencha", "Matcha", "Chai", "Gaiwan", "Jasmine"].map((t, i) => ({ id: `tea-${i}`, title: t, categories: ["Tea"], popularity: 1 + i })),
  ...["Saddle bag", "Bar tape", "Rear light", "Pump", "Bottle cage", "Multi-tool"].map((t, i) => ({ id: `bike-${i}`, title: t, categories: ["Cycling"], popularity: 50 + i })),
];

await init();
const rec = Recommender.open({ namespace: "vite-app" });
rec.setCatalog(catalog);
for (const id of ["tea-0", "tea-1", "tea-2"]) rec.record({ item: id, kind: "click" });
const top = rec.recommend({ k: 4 });
const list = document.getElementById("top");
for (const r of top) {
  const li = document.createElement("li");
  li.dataset.id = r.id;
  li.textContent = `${catalog.find((c) => c.id === r.id).title} (${r.score.toFixed(3)})`;
  list.append(li);
}
document.body.dataset.ready = "true";
