#!/usr/bin/env node
// Generates the demo shop's catalogue, www/catalog.json: 240 items in 16
// categories, all text written by this script (no third-party content).
// Deterministic: the same script always writes the same file, so the
// committed catalog.json can be checked with `node scripts/gen-catalog.mjs --check`.
//
// Usage: node scripts/gen-catalog.mjs [--check]

import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const OUT = fileURLToPath(new URL("../www/catalog.json", import.meta.url));

/** Small deterministic PRNG (mulberry32) so the catalogue never changes between runs. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(20261128);
const pick = (list) => list[Math.floor(rand() * list.length)];
const between = (lo, hi) => lo + rand() * (hi - lo);

// Each category: product nouns, descriptors, tag pool, price range (EUR), blurb phrases.
const CATEGORIES = {
  Cycling: {
    nouns: ["Saddle Bag", "Bar Tape", "Rear Light", "Frame Pump", "Bottle Cage", "Chain Lube", "Riding Cap", "Mudguard Set", "Multi-Tool", "Handlebar Roll"],
    adjs: ["Gravel", "Audax", "Commuter", "Randonneur", "Lightweight", "Waxed", "All-Road", "Night-Ride"],
    tags: ["commuting", "gravel", "repair", "night", "touring", "lightweight"],
    price: [9, 89],
    blurb: ["survives wet winter commutes", "rattles nothing on cobbles", "fits every frame we tried", "packs down to a fist"],
  },
  Coffee: {
    nouns: ["Hand Grinder", "Pour-Over Cone", "Gooseneck Kettle", "Single-Origin Beans", "Espresso Tamper", "Cold Brew Jar", "Milk Jug", "Filter Papers", "Cupping Spoon", "Travel Press"],
    adjs: ["Burr", "Ceramic", "Light-Roast", "Washed", "Natural-Process", "Barista", "Matte", "Copper"],
    tags: ["espresso", "filter", "beans", "brewing", "ceramic", "travel"],
    price: [6, 140],
    blurb: ["brings out the fruit in a light roast", "makes the morning ritual quieter", "dials in within three cups", "washes clean in seconds"],
  },
  Running: {
    nouns: ["Trail Shoe", "Race Vest", "Split Shorts", "Headlamp", "Soft Flask", "Merino Tee", "Wind Shell", "Compression Socks", "Waist Belt", "Tempo Cap"],
    adjs: ["Fell", "Ultra", "Tempo", "Road", "Featherweight", "Reflective", "Mountain", "Recovery"],
    tags: ["trail", "road", "ultra", "night", "hydration", "racing"],
    price: [12, 160],
    blurb: ["stays put on a steep descent", "dries before the next climb", "weighs next to nothing", "built for the long Sunday run"],
  },
  Camping: {
    nouns: ["Tarp Shelter", "Sleeping Quilt", "Titanium Pot", "Camp Stool", "Lantern", "Bivvy Bag", "Stove Kit", "Tent Pegs", "Dry Bag", "Hammock"],
    adjs: ["Ultralight", "Two-Season", "Four-Season", "Packable", "Alpine", "Forest", "Storm-Proof", "Wild"],
    tags: ["ultralight", "shelter", "cooking", "sleep", "waterproof", "backpacking"],
    price: [8, 320],
    blurb: ["pitches in under two minutes", "shrugs off a night of sideways rain", "boils a litre before the coffee craving peaks", "fits in a side pocket"],
  },
  Kitchen: {
    nouns: ["Chef's Knife", "Cast-Iron Pan", "Sourdough Banneton", "Cutting Board", "Spice Grinder", "Dutch Oven", "Bench Scraper", "Mixing Bowl", "Pasta Roller", "Fermentation Crock"],
    adjs: ["Carbon-Steel", "Enamelled", "End-Grain", "Stoneware", "Walnut", "Heirloom", "Pre-Seasoned", "Stackable"],
    tags: ["baking", "knives", "cast-iron", "fermenting", "wood", "pasta"],
    price: [10, 260],
    blurb: ["gets better every time you cook", "holds an edge for months", "goes from hob to table", "made for weekend bread"],
  },
  Gardening: {
    nouns: ["Seed Tray", "Pruning Shears", "Watering Can", "Raised Bed Kit", "Compost Bin", "Kneeling Pad", "Trowel", "Herb Planter", "Tomato Cage", "Garden Twine"],
    adjs: ["Balcony", "Galvanised", "Heritage", "Self-Watering", "Ash-Handled", "Peat-Free", "Pollinator", "Allotment"],
    tags: ["balcony", "tools", "seeds", "compost", "herbs", "vegetables"],
    price: [5, 180],
    blurb: ["turns a balcony into a harvest", "feels right in a gloved hand", "for gardeners with more ideas than space", "keeps seedlings happy through April"],
  },
  Books: {
    nouns: ["Field Guide", "Essay Collection", "Novel", "Cookbook", "Atlas", "Poetry Pamphlet", "Travelogue", "Short Stories", "Workbook", "Almanac"],
    adjs: ["Illustrated", "Pocket", "Annotated", "Hardback", "First-Edition", "Collected", "Slim", "Seasonal"],
    tags: ["fiction", "nature", "food", "travel", "poetry", "reference"],
    price: [8, 45],
    blurb: ["reads best on a rainy afternoon", "you will lend out and never get back", "short chapters for short commutes", "full of hand-drawn maps"],
  },
  Photography: {
    nouns: ["Film Camera", "Prime Lens", "Light Meter", "Camera Strap", "Travel Tripod", "Lens Cloth Set", "ND Filter", "Darkroom Kit", "Photo Album", "Shutter Release"],
    adjs: ["35mm", "Medium-Format", "Rangefinder", "Vintage", "Carbon", "Weather-Sealed", "Pocket", "Manual"],
    tags: ["film", "lenses", "travel", "darkroom", "analogue", "accessories"],
    price: [7, 420],
    blurb: ["slows you down in the best way", "goes everywhere without noticing", "for light that only lasts ten minutes", "makes every frame count"],
  },
  Music: {
    nouns: ["Ukulele", "Guitar Strings", "Cajon", "Metronome", "Harmonica", "Capo", "Headphones", "Kalimba", "Practice Amp", "Songbook"],
    adjs: ["Concert", "Studio", "Travel", "Open-Back", "Walnut", "Chromatic", "Beginner's", "Tube"],
    tags: ["strings", "percussion", "practice", "listening", "beginner", "travel"],
    price: [6, 280],
    blurb: ["makes practice something you look forward to", "sounds bigger than it looks", "for the ten minutes before dinner", "the neighbours will not mind"],
  },
  "Board Games": {
    nouns: ["Strategy Game", "Party Game", "Co-op Adventure", "Card Game", "Puzzle Box", "Dice Set", "Deck-Builder", "Tile Game", "Word Game", "Campaign Expansion"],
    adjs: ["Two-Player", "Family", "Solo", "Tabletop", "Pocket", "Legacy", "Quick-Play", "Heavy"],
    tags: ["strategy", "family", "solo", "party", "cooperative", "cards"],
    price: [9, 95],
    blurb: ["teaches in five minutes, lasts for years", "ends every evening with one more round", "for game night with people who hate rules", "plays well with two"],
  },
  Yoga: {
    nouns: ["Practice Mat", "Cork Block", "Cotton Strap", "Meditation Cushion", "Bolster", "Eye Pillow", "Mat Towel", "Wheel", "Balance Board", "Mat Sling"],
    adjs: ["Grippy", "Natural-Rubber", "Buckwheat", "Travel", "Extra-Thick", "Organic", "Studio", "Quiet"],
    tags: ["mat", "props", "meditation", "travel", "restorative", "balance"],
    price: [8, 130],
    blurb: ["holds steady in a sweaty flow", "makes long holds kinder", "rolls up for the bus", "for five calm minutes a day"],
  },
  Tea: {
    nouns: ["Loose-Leaf Oolong", "Matcha Tin", "Cast-Iron Teapot", "Gaiwan", "Tea Strainer", "Herbal Blend", "Tea Caddy", "Sencha", "Chai Spice Mix", "Glass Infuser"],
    adjs: ["Roasted", "First-Flush", "Ceremonial", "Smoky", "Hand-Rolled", "Mountain", "Jasmine", "Aged"],
    tags: ["green", "oolong", "herbal", "teaware", "matcha", "black"],
    price: [5, 120],
    blurb: ["steeps three times and gets better", "smells like a spring hillside", "for the four o'clock slump", "brews a perfect pot every time"],
  },
  Climbing: {
    nouns: ["Chalk Bag", "Climbing Shoe", "Belay Device", "Crash Pad", "Quickdraw Set", "Harness", "Brush Kit", "Hangboard", "Rope Bag", "Approach Pack"],
    adjs: ["Bouldering", "Sport", "Trad", "Indoor", "Alpine", "Aggressive", "All-Day", "Crag"],
    tags: ["bouldering", "sport", "trad", "training", "indoor", "safety"],
    price: [9, 260],
    blurb: ["sticks to the smallest edges", "for the project you keep coming back to", "forgiving on long days at the crag", "made for tired forearms"],
  },
  "Home Office": {
    nouns: ["Desk Lamp", "Notebook", "Monitor Riser", "Fountain Pen", "Desk Mat", "Cable Tray", "Plant Pot", "Standing Mat", "Pen Cup", "Wall Planner"],
    adjs: ["Dotted", "Oak", "Felt", "Warm-Light", "Minimal", "Recycled", "Adjustable", "Brass"],
    tags: ["desk", "writing", "lighting", "ergonomics", "paper", "organising"],
    price: [6, 210],
    blurb: ["makes a kitchen table feel like an office", "for writing things down by hand", "tidies the cables you pretend not to see", "kind to eyes after sunset"],
  },
  Swimming: {
    nouns: ["Goggles", "Swim Cap", "Tow Float", "Changing Robe", "Kickboard", "Paddles", "Neoprene Gloves", "Swim Bag", "Ear Plugs", "Wetsuit Socks"],
    adjs: ["Open-Water", "Cold-Water", "Pool", "Anti-Fog", "Hi-Vis", "Sea", "Lido", "Thermal"],
    tags: ["open-water", "pool", "cold-water", "training", "safety", "changing"],
    price: [5, 190],
    blurb: ["for the first swim of the year", "keeps you seen in choppy water", "warm hands at six degrees", "dries fast on the harbour wall"],
  },
  Crafts: {
    nouns: ["Knitting Needles", "Watercolour Set", "Embroidery Hoop", "Pottery Tools", "Sketchbook", "Linocut Kit", "Yarn Bundle", "Bookbinding Kit", "Brush Set", "Weaving Loom"],
    adjs: ["Bamboo", "Artist-Grade", "Hand-Dyed", "Starter", "Cotton", "Travel", "Japanese", "Beechwood"],
    tags: ["knitting", "painting", "printmaking", "pottery", "paper", "textiles"],
    price: [6, 150],
    blurb: ["for slow evenings and busy hands", "everything you need for a first project", "colours that glow on cold-pressed paper", "made to be used, not kept"],
  },
};

const SERIES = ["Harbor", "Fjell", "Marlow", "Kestrel", "Tamsin", "Oriel", "Brackett", "Linden", "Corrie", "Wren", "Sable", "Alder", "Pembry", "Rowan", "Tarn", "Hollis", "Quill", "Ember", "Solent", "Larch"];
const MODELS = ["", "", "", " II", " Mk3", " Pro", " Mini", " XL", " 2.0", " Classic"];

const categoryNames = Object.keys(CATEGORIES);
const DIM = 8;
const categoryAxis = Object.fromEntries(
  categoryNames.map((name) => [name, Array.from({ length: DIM }, () => rand() * 2 - 1)]),
);

function unitVector(base) {
  const v = base.map((x) => x + (rand() - 0.5) * 0.6);
  const norm = Math.hypot(...v) || 1;
  return v.map((x) => Math.round((x / norm) * 1000) / 1000);
}

function title(cat, used) {
  for (;;) {
    const form = rand();
    let t;
    if (form < 0.45) t = `${pick(SERIES)} ${pick(cat.adjs)} ${pick(cat.nouns)}${pick(MODELS)}`;
    else if (form < 0.8) t = `${pick(cat.adjs)} ${pick(cat.nouns)}`;
    else t = `The ${pick(SERIES)} ${pick(cat.nouns)}`;
    if (!used.has(t)) {
      used.add(t);
      return t;
    }
  }
}

const PER_CATEGORY = 15;
const START = Date.UTC(2024, 5, 1);
const END = Date.UTC(2026, 10, 1);
const items = [];
const usedTitles = new Set();
let n = 0;
for (const name of categoryNames) {
  const cat = CATEGORIES[name];
  for (let i = 0; i < PER_CATEGORY; i++) {
    n += 1;
    const id = `sku-${String(n).padStart(3, "0")}`;
    const tags = [...new Set([pick(cat.tags), pick(cat.tags), pick(cat.tags)])].slice(0, 1 + Math.floor(rand() * 3));
    const categories = [name];
    // A few items sit in two aisles, as real shops have them.
    if (rand() < 0.08) {
      const other = pick(categoryNames);
      if (other !== name) categories.push(other);
    }
    const [lo, hi] = cat.price;
    items.push({
      id,
      title: title(cat, usedTitles),
      categories,
      tags,
      published: Math.round(between(START, END) / 3600000) * 3600000,
      popularity: 0, // set below
      vector: unitVector(categoryAxis[name]),
      price: Math.round(between(lo, hi)) - 0.05,
      blurb: `${pick(cat.blurb).replace(/^./, (c) => c.toUpperCase())}.`,
    });
  }
}

// Popularity: a Zipf-like long tail over a random order, like real sales counts.
const order = items.map((_, i) => i);
for (let i = order.length - 1; i > 0; i--) {
  const j = Math.floor(rand() * (i + 1));
  [order[i], order[j]] = [order[j], order[i]];
}
order.forEach((itemIndex, rank) => {
  items[itemIndex].popularity = Math.round(5000 / Math.pow(rank + 1, 0.85));
});

// Proof that catalogue text is rendered as text, never as HTML: this title
// must show up literally on the page (checked by tests/e2e).
const xss = items.find((it) => it.categories[0] === "Coffee" && it.categories.length === 1);
xss.title = "<img src=x onerror=alert(1)>";
xss.blurb = 'A mug whose name is an HTML tag & a "quoted" test: it must show as text.';

// The coarse interest taxonomy the shop declares for lighttouch's upstream
// signals (privacy.taxonomy): 6 broad groups, so a report can never name an aisle.
const TAXONOMY_GROUPS = {
  Outdoors: ["Cycling", "Running", "Camping", "Climbing", "Swimming"],
  "Food & drink": ["Coffee", "Tea", "Kitchen"],
  "Home & garden": ["Gardening", "Home Office"],
  Culture: ["Books", "Photography", "Music"],
  "Games & crafts": ["Board Games", "Crafts"],
  Wellbeing: ["Yoga"],
};
const taxonomy = {
  version: 1,
  categories: Object.keys(TAXONOMY_GROUPS),
  map: Object.fromEntries(Object.entries(TAXONOMY_GROUPS).flatMap(([group, aisles]) => aisles.map((a) => [a, group]))),
};
const unmapped = categoryNames.filter((c) => !(c in taxonomy.map));
if (unmapped.length) throw new Error(`aisles missing from the taxonomy: ${unmapped.join(", ")}`);

const json = JSON.stringify({ version: 1, categories: categoryNames, taxonomy, items }, null, 0).replace(/\},\{"id"/g, '},\n{"id"') + "\n";
if (process.argv.includes("--check")) {
  const current = readFileSync(OUT, "utf8");
  if (current !== json) {
    console.error("www/catalog.json is out of date: run node scripts/gen-catalog.mjs");
    process.exit(1);
  }
  console.log("www/catalog.json is up to date");
} else {
  writeFileSync(OUT, json);
  console.log(`wrote ${items.length} items in ${categoryNames.length} categories to www/catalog.json`);
}
