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
  /** Unengaged impressions after which an item sinks (default 3; 0 = off). */
  impressionCap?: number;
  /** Days after which an item not shown is forgotten (default 30). */
  impressionMemoryDays?: number;
  weights?: ScoreWeights;
  eventWeights?: EventWeights;
  /** "local" (default; falls back to memory when unavailable) or "memory". */
  storage?: "local" | "memory";
  /** The personalisation dial and upstream signals (docs/privacy.md). */
  privacy?: PrivacyOptions;
  /** URL receiving each privacy report via `navigator.sendBeacon`. */
  endpoint?: string;
  /** Alternative to `endpoint`: called with each privacy report. */
  onSignal?: (payload: Payload) => void;
}

/** The personalisation level. */
export type Level = "off" | "session" | "personal" | "contribute";

/** A question a privacy report can answer. */
export type QuestionKind = "topInterest" | "interestLevel" | "outcome";

/** Privacy options of `Recommender.open` (all optional). */
export interface PrivacyOptions {
  /** Level before the visitor chooses (default "personal"; capped at "personal" under GPC). */
  defaultLevel?: Level;
  /** Coarse interest taxonomy (<= 64 categories); required for "contribute". */
  taxonomy?: { version: number; categories: string[]; map?: Record<string, string> };
  /** Epsilon of each report (default 1). */
  epsilon?: number;
  /** Budget cap over a rolling window (default 4 per 30 days). */
  budget?: { maxEpsilon?: number; windowDays?: number };
  /** Epoch length in days (default 7). */
  epochDays?: number;
  /** Questions the site asks, one picked per epoch (default ["topInterest"]). */
  questions?: QuestionKind[];
  /** Public experiment arm names for the "outcome" question. */
  arms?: string[];
}

/** The question a report answers. */
export type Question =
  | { kind: "topInterest" }
  | { kind: "interestLevel"; category: number }
  | { kind: "outcome"; arm: number };

/** One randomised privacy report, exactly as sent. */
export interface Payload {
  schemaVersion: number;
  epoch: number;
  question: Question;
  taxonomyVersion: number;
  /** The randomised one-hot answer as "0"/"1" characters. */
  bits: string;
  epsilon: number;
}

/** What `setLevel` erased. */
export interface ErasePlan {
  memoryHistory: boolean;
  persistedHistory: boolean;
  signalState: boolean;
  pendingReport: boolean;
}

/** `previewSignal()`: the next report and a plain-language account of it. */
export interface SignalPreview {
  payload?: Payload;
  description: string;
  /** Earliest send time (ms since the epoch), when a report is pending. */
  sendAfterMs?: number;
  budgetSpent: number;
  budgetMax: number;
}

/** One interest, as `interests()` shows it. */
export interface Interest {
  category: string;
  /** 0..1, relative to the strongest interest. */
  strength: number;
  blocked: boolean;
  added: boolean;
}

/** The privacy part of `exportData()`. */
export interface PrivacyExport {
  level: Level;
  levelChosen: boolean;
  ledger: { entries: { epoch: number; epsilon: number; atMs: number }[] };
  epochClock: { lengthMs: number; offsetMs: number } | null;
  pendingReport: Payload | null;
  blocked: string[];
  added: [string, number][];
}

/** What `setCatalog` loaded. */
export interface CatalogSummary {
  items: number;
  categories: number;
  tags: number;
  /** Length of the items' vectors (0 without vectors). */
  vectorDims: number;
}

/** Diversity re-ranking: maximal marginal relevance and/or a per-category cap. */
export interface DiversityOptions {
  /** 0..1: 1 is plain ranking, 0.7 a mild mix. */
  lambda?: number;
  /** At most this many items per category (>= 1). */
  maxPerCategory?: number;
}

/** Options of `recommend` (see docs/ranking-rules.md). */
export interface RecommendOptions {
  /** How many results, 1..1000 (default 10). */
  k?: number;
  /** Only rank these ids (each must be in the catalogue). */
  candidates?: string[];
  /** Only items in one of these categories. */
  categories?: string[];
  /**
   * Leave out items the visitor interacted with: any event (true, default),
   * none (false), or an event of one of these kinds.
   */
  excludeSeen?: boolean | EventKind[];
  /** Never return these ids. */
  exclude?: string[];
  /** Only these ids may be returned. */
  allow?: string[];
  /** Alias of `allow`. */
  only?: string[];
  diversity?: DiversityOptions;
  /** Share of slots filled by Thompson-sampling exploration, 0..0.5 (default 0). */
  exploration?: number;
  /** Seed of the exploration draws (integer). */
  seed?: number;
}

/** Why an item was recommended. */
export type Reason =
  | { kind: "category"; name: string; weight: number }
  | { kind: "tag"; name: string; weight: number }
  | { kind: "similarToItem"; id: string; weight: number }
  | { kind: "popular" }
  | { kind: "fresh" }
  | { kind: "exploration"; category?: string };

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
  /** Weighted sum of liked items' vectors; null without vectors. */
  centroid: { sum: number[]; weight: number; at: number } | null;
  /** Item id -> last time any event was recorded for it. */
  seen: Record<string, number>;
  /** Item id -> time it was dismissed (never recommended again). */
  dismissed: Record<string, number>;
  /** Number of events folded into the affinities. */
  foldedEvents: number;
  /** Item id -> the kinds of events seen for it. */
  seenKinds: Record<string, EventKind[]>;
}

/** Impression counters (frequency capping and exploration). */
export interface Impressions {
  items: Record<string, { unengaged: number; firstAt: number; lastAt: number }>;
  categories: Record<string, { shown: Decayed; clicks: Decayed }>;
  total: number;
}

/** The options in force, with every default filled in. */
export interface ResolvedOptions {
  halfLifeDays: number;
  maxEvents: number;
  retentionDays: number;
  freshnessHalfLifeDays: number;
  impressionCap: number;
  impressionMemoryDays: number;
  weights: Required<ScoreWeights>;
  eventWeights: Required<EventWeights>;
}

/** Everything stored for the namespace, as plain JSON. */
export interface ExportData {
  options: ResolvedOptions;
  /** Raw events, oldest first. */
  events: StoredEvent[];
  profile: Profile;
  impressions: Impressions;
  /** Values other modules stored through the engine (privacy ledger, ...). */
  extras: Record<string, string>;
  status: Status;
  /** This namespace's keys in storage (relative to `lighttouch:<namespace>:`). */
  storedKeys: string[];
  privacy: PrivacyExport;
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

    /// `string[]` in TypeScript.
    #[wasm_bindgen(typescript_type = "string[]")]
    pub type StringListJs;

    /// `RecommendOptions` in TypeScript.
    #[wasm_bindgen(typescript_type = "RecommendOptions")]
    pub type RecommendOptionsJs;

    /// `Recommendation[]` in TypeScript.
    #[wasm_bindgen(typescript_type = "Recommendation[]")]
    pub type RecommendationListJs;

    /// `Status` in TypeScript.
    #[wasm_bindgen(typescript_type = "Status")]
    pub type StatusJs;

    /// `Level` in TypeScript.
    #[wasm_bindgen(typescript_type = "Level")]
    pub type LevelJs;

    /// `ErasePlan` in TypeScript.
    #[wasm_bindgen(typescript_type = "ErasePlan")]
    pub type ErasePlanJs;

    /// `SignalPreview` in TypeScript.
    #[wasm_bindgen(typescript_type = "SignalPreview")]
    pub type SignalPreviewJs;

    /// `Interest[]` in TypeScript.
    #[wasm_bindgen(typescript_type = "Interest[]")]
    pub type InterestListJs;

    /// `ExportData` in TypeScript.
    #[wasm_bindgen(typescript_type = "ExportData")]
    pub type ExportDataJs;
}
