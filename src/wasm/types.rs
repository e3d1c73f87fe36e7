//! Exact TypeScript shapes of everything that crosses the JS API.
//!
//! The declarations below are emitted verbatim into the generated `.d.ts`;
//! the `extern` types give each exported signature a named type instead of
//! `any`. They mirror the core's serde types field for field (camelCase).

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** One piece of site content that can be recommended. */
export interface Item {
  /** Unique, non-empty id. */
  id: string;
  title?: string;
  /** Category names, e.g. ["Cycling"]. */
  categories: string[];
  tags?: string[];
  /** Publication time in ms since the Unix epoch. */
  published?: number;
  /** Popularity prior, >= 0 (e.g. views in the last 30 days). */
  popularity?: number;
  /** Content embedding; every item's vector has the same length. */
  vector?: number[];
}

/** What the visitor did with an item. */
export type EventKind =
  | "view"
  | "click"
  | "dwell"
  | "like"
  | "dislike"
  | "addToCart"
  | "purchase"
  | "dismiss"
  | "rate";

/** One interaction, as passed to `record`. */
export interface InteractionEvent {
  /** The item's id (unknown ids are kept but do not score). */
  item: string;
  kind: EventKind;
  /** `dwell`: milliseconds; `rate`: 0..5. */
  value?: number;
  /** When it happened, ms since the Unix epoch (default: now). */
  at?: number;
}

/** Weights of the ranking terms. */
export interface ScoreWeights {
  category?: number;
  tag?: number;
  vector?: number;
  popularity?: number;
  freshness?: number;
}

/** Per-kind event weights overriding the defaults. */
export type EventWeights = Partial<Record<EventKind, number>>;

/** Options of `Recommender.open`. */
export interface OpenOptions {
  /** Storage namespace: 1-64 characters of [A-Za-z0-9_-.]. */
  namespace: string;
  /** Half-life of interest decay in days (default 14). */
  halfLifeDays?: number;
  /** Raw events kept before compaction (default 2000). */
  maxEvents?: number;
  /** Raw events older than this are folded into aggregates (default 180). */
  retentionDays?: number;
  /** Half-life of the freshness bonus of `published`, in days (default 30). */
  freshnessHalfLifeDays?: number;
  weights?: ScoreWeights;
  eventWeights?: EventWeights;
  /** "local" (default; falls back to memory when unavailable) or "memory". */
  storage?: "local" | "memory";
}

/** What `setCatalog` loaded. */
export interface CatalogSummary {
  items: number;
  categories: number;
  tags: number;
  /** Length of the items' vectors (0 without vectors). */
  vectorDims: number;
}

/** Options of `recommend`. */
export interface RecommendOptions {
  /** How many results (default 10). */
  k?: number;
  /** Only rank these ids. */
  candidates?: string[];
  /** Only items in one of these categories. */
  categories?: string[];
  /** Leave out items the visitor already interacted with (default true). */
  excludeSeen?: boolean;
}

/** Why an item was recommended. */
export type Reason =
  | { kind: "category"; name: string; weight: number }
  | { kind: "tag"; name: string; weight: number }
  | { kind: "similarToItem"; id: string; weight: number }
  | { kind: "popular" }
  | { kind: "fresh" };

/** One ranked result. */
export interface Recommendation {
  id: string;
  score: number;
  reasons: Reason[];
}

/** Health of the recommender's storage. */
export interface Status {
  /** Whether history survives a reload (false in memory mode). */
  persistent: boolean;
  /** Bytes currently stored for this namespace. */
  storedBytes: number;
  /** Raw events held. */
  events: number;
  /** The last storage problem, if any. */
  lastError?: string;
}

/** A recorded event as kept in the history. */
export interface StoredEvent {
  item: string;
  kind: EventKind;
  value?: number;
  /** ms since the Unix epoch. */
  at: number;
  /** Whether the event has been folded into the profile's affinities. */
  scored: boolean;
}

/** A decayed quantity: `value` as of time `at` (ms since the epoch). */
export interface Decayed {
  value: number;
  at: number;
}

/** The visitor's decayed interest aggregates. */
export interface Profile {
  categories: Record<string, Decayed>;
  tags: Record<string, Decayed>;
  items: Record<string, Decayed>;
  /** Weighted sum of liked items' vectors, when items have vectors. */
  centroid?: { sum: number[]; weight: number; at: number };
  /** Item id -> last time any event was recorded for it. */
  seen: Record<string, number>;
  /** Item id -> time it was dismissed (never recommended again). */
  dismissed: Record<string, number>;
  /** Number of events folded into the affinities. */
  foldedEvents: number;
}

/** The options in force, with every default filled in. */
export interface ResolvedOptions {
  halfLifeDays: number;
  maxEvents: number;
  retentionDays: number;
  freshnessHalfLifeDays: number;
  weights: Required<ScoreWeights>;
  eventWeights: Required<EventWeights>;
}

/** Everything stored for the namespace, as plain JSON. */
export interface ExportData {
  options: ResolvedOptions;
  /** Raw events, oldest first. */
  events: StoredEvent[];
  profile: Profile;
  /** Values other modules stored through the engine (privacy ledger, ...). */
  extras: Record<string, string>;
  status: Status;
  /** This namespace's keys in storage (relative to `lighttouch:<namespace>:`). */
  storedKeys: string[];
}
"#;

#[wasm_bindgen]
extern "C" {
    /// `OpenOptions` in TypeScript.
    #[wasm_bindgen(typescript_type = "OpenOptions")]
    pub type OpenOptionsJs;

    /// `Item[]` in TypeScript.
    #[wasm_bindgen(typescript_type = "Item[]")]
    pub type ItemListJs;

    /// `CatalogSummary` in TypeScript.
    #[wasm_bindgen(typescript_type = "CatalogSummary")]
    pub type CatalogSummaryJs;

    /// `InteractionEvent` in TypeScript.
    #[wasm_bindgen(typescript_type = "InteractionEvent")]
    pub type InteractionEventJs;

    /// `RecommendOptions` in TypeScript.
    #[wasm_bindgen(typescript_type = "RecommendOptions")]
    pub type RecommendOptionsJs;

    /// `Recommendation[]` in TypeScript.
    #[wasm_bindgen(typescript_type = "Recommendation[]")]
    pub type RecommendationListJs;

    /// `Status` in TypeScript.
    #[wasm_bindgen(typescript_type = "Status")]
    pub type StatusJs;

    /// `ExportData` in TypeScript.
    #[wasm_bindgen(typescript_type = "ExportData")]
    pub type ExportDataJs;
}
