import { Recommender } from "lighttouch";

const rec = Recommender.open({ namespace: "shop" });
// A score is a number, not a string.
const s: string = rec.recommend({ k: 1 })[0].score;
void s;
