import init, { Recommender, createRecommender } from "lighttouch";
import type { ModelSummary } from "lighttouch";

export async function demo(): Promise<string[]> {
  await init();
  const rec: Recommender = Recommender.open({ namespace: "shop" });
  rec.setCatalog([{ id: "sku-1", title: "Tea", categories: ["Tea"], tags: ["green"], popularity: 3 }]);
  rec.record({ item: "sku-1", kind: "click" });
  const top = rec.recommend({ k: 10 });
  const ids: string[] = top.map((r) => r.id);
  const score: number = top[0].score;
  void score;
  const sentence: string = rec.explain("sku-1");
  void sentence;
  rec.flush();
  const bytes = new Uint8Array(await (await fetch("/model.bin")).arrayBuffer());
  const model: ModelSummary = rec.setModel(bytes);
  const skipped: number = model.unknownIds;
  void skipped;
  const tuned: Recommender = Recommender.open({ namespace: "tuned", neighbours: { positionDecay: 0.9 } });
  tuned.forget();
  const other: Recommender = await createRecommender({ namespace: "other" });
  other.forget();
  return ids;
}
