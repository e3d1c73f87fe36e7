import init, { Recommender, createRecommender } from "lighttouch";

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
  const other: Recommender = await createRecommender({ namespace: "other" });
  other.forget();
  return ids;
}
