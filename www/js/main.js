// The lighttouch demo shop. Loads the catalogue, opens a Recommender in this
// browser and keeps "For you", the aisles and the privacy panel in sync with
// every click. No inline script, no innerHTML: text is always textContent.
import { h, replaceChildren, toast } from "./dom.js";
import { card } from "./cards.js";
import { renderPanel, eventsFromExport, currentLevel } from "./privacy-panel.js";

const NAMESPACE = "demo";
const FOR_YOU = 8;
const PAGE = 24;
const NON_PERSONAL = new Set(["popular", "fresh", "freshness", "new"]);

const state = {
  rec: null,
  catalog: new Map(),
  categories: [],
  taxonomy: null,
  items: [],
  aisle: "All",
  shown: PAGE,
  liked: new Set(),
  seen: new Set(),
  dismissed: new Set(),
  basket: 0,
  sent: [],
  impressed: new Set(),
  impressionBatch: [],
  impressionTimer: 0,
  observer: null,
  flushTimer: 0,
};

/** The fields lighttouch ranks on; display-only fields (price, blurb) stay in the page. */
function toCatalogItem(item) {
  const { id, title, categories, tags, published, popularity, vector } = item;
  return { id, title, categories, tags, published, popularity, vector };
}

function scheduleFlush() {
  clearTimeout(state.flushTimer);
  state.flushTimer = setTimeout(() => {
    state.rec.flush();
    if (panelOpen()) renderPrivacy(); // storedBytes changed
  }, 400);
}

/** Re-reads what the library remembers (liked, seen, dismissed) after a reload or edit. */
function syncMarks() {
  state.liked.clear();
  state.seen.clear();
  state.dismissed.clear();
  for (const e of eventsFromExport(state.rec.exportData())) {
    if (e.kind === "like") state.liked.add(e.item);
    if (e.kind === "dismiss") state.dismissed.add(e.item);
    state.seen.add(e.item);
  }
}

function record(id, kind, message) {
  try {
    state.rec.record({ item: id, kind });
  } catch (err) {
    toast(`Could not record that: ${err.message}`);
    return;
  }
  if (kind === "like") state.liked.add(id);
  if (kind === "dismiss") state.dismissed.add(id);
  state.seen.add(id);
  scheduleFlush();
  refresh();
  if (message) toast(message);
}

const actions = {
  click: (id) => record(id, "click", `Noted: you looked at “${state.catalog.get(id).title}”`),
  like: (id) => record(id, "like", `Liked “${state.catalog.get(id).title}”`),
  dismiss: (id) => record(id, "dismiss", `Got it: no more “${state.catalog.get(id).title}”`),
  basket: (id) => {
    state.basket += 1;
    document.getElementById("cart").textContent = `Basket ${state.basket}`;
    record(id, "addToCart", `Added “${state.catalog.get(id).title}” to your basket`);
  },
  explain: (id) => {
    try {
      return state.rec.explain(id);
    } catch (err) {
      return `No explanation available: ${err.message}`;
    }
  },
};

/** Taxonomy groups (or aisles) the visitor blocked in the privacy panel. */
function blockedInterests() {
  if (typeof state.rec.interests !== "function") return new Set();
  return new Set(state.rec.interests().filter((i) => i.blocked).map((i) => i.category ?? i.name));
}

/**
 * The "For you" request. lighttouch cancels a blocked interest's category
 * boost; the shop goes further and keeps items of a blocked interest out of
 * "For you" entirely (as the panel promises), by ranking only the others.
 */
function forYouRequest() {
  const blocked = blockedInterests();
  if (!blocked.size) return { k: FOR_YOU };
  const groupOf = (aisle) => state.taxonomy?.map[aisle] ?? aisle;
  const candidates = state.items.filter((it) => !it.categories.some((c) => blocked.has(groupOf(c)))).map((it) => it.id);
  return { k: FOR_YOU, candidates };
}

/**
 * Frequency capping needs to know what the visitor actually saw: a "For you"
 * card counts as an impression once it is at least half on screen, once per
 * page view (re-ranking after a click is not a new impression).
 */
function watchImpressions(list) {
  if (typeof state.rec.recordImpressions !== "function" || typeof IntersectionObserver !== "function") return;
  state.observer ??= new IntersectionObserver((entries) => {
    for (const entry of entries) {
      const id = entry.target.dataset.id;
      if (!entry.isIntersecting || state.impressed.has(id)) continue;
      state.impressed.add(id);
      state.impressionBatch.push(id);
    }
    clearTimeout(state.impressionTimer);
    state.impressionTimer = setTimeout(() => {
      const ids = state.impressionBatch.splice(0);
      if (!ids.length) return;
      try {
        state.rec.recordImpressions(ids);
        scheduleFlush();
      } catch (err) {
        toast(`Could not record what was shown: ${err.message}`);
      }
    }, 250);
  }, { threshold: 0.5 });
  state.observer.disconnect();
  for (const li of list.children) state.observer.observe(li);
}

function renderForYou() {
  const section = document.getElementById("for-you");
  const list = document.getElementById("for-you-list");
  const sub = document.getElementById("for-you-sub");
  const recs = state.rec.recommend(forYouRequest());
  const personal = recs.some((r) => r.reasons.some((reason) => !NON_PERSONAL.has(reason.kind)));
  section.dataset.mode = personal ? "personal" : "popular";
  const level = currentLevel(state.rec);
  sub.textContent = personal
    ? "Picked from what you looked at, liked and skipped, on this device."
    : level === "off"
      ? "Personalisation is off: here is what is popular and new."
      : "Popular right now. Click a few things and this row becomes yours.";
  replaceChildren(list, recs.map((r) => card(state.catalog.get(r.id), { rec: r, catalog: state.catalog, actions, state, place: "for-you" })));
  watchImpressions(list);
}

function browseItems() {
  const inAisle = state.aisle === "All" ? state.items : state.items.filter((it) => it.categories.includes(state.aisle));
  // Aisles keep a stable order (most popular first), so cards do not jump while you click.
  return [...inAisle].sort((a, b) => b.popularity - a.popularity || a.id.localeCompare(b.id));
}

function renderBrowse() {
  const list = document.getElementById("browse-list");
  const items = browseItems();
  replaceChildren(list, items.slice(0, state.shown).map((it) => card(it, { catalog: state.catalog, actions, state, place: "browse" })));
  const more = document.getElementById("more");
  more.hidden = items.length <= state.shown;
  more.textContent = `Show more (${items.length - state.shown} left)`;
}

function renderAisles() {
  const nav = document.getElementById("aisles");
  replaceChildren(nav, ["All", ...state.categories].map((name) => h("button", {
    type: "button",
    class: "aisle-button",
    "aria-pressed": String(name === state.aisle),
    dataset: { aisle: name },
    text: name,
    onclick: () => {
      state.aisle = name;
      state.shown = PAGE;
      renderAisles();
      renderBrowse();
    },
  })));
}

function panelOpen() {
  return !document.getElementById("privacy").hidden;
}

function renderPrivacy() {
  renderPanel({
    rec: state.rec,
    catalog: state.catalog,
    sent: state.sent,
    // interests() speaks the taxonomy's coarse names when the site declares one.
    categories: state.taxonomy?.categories ?? state.categories,
    onChange: (message) => {
      state.rec.flush();
      syncMarks();
      refresh();
      toast(message);
    },
  });
}

/** Re-ranks and redraws everything that depends on the visitor's history. */
function refresh() {
  renderForYou();
  renderBrowse();
  renderPrivacy();
  document.body.dataset.level = currentLevel(state.rec);
}

function wirePanel() {
  const panel = document.getElementById("privacy");
  const toggle = document.getElementById("privacy-toggle");
  const setOpen = (open) => {
    panel.hidden = !open;
    toggle.setAttribute("aria-expanded", String(open));
    document.body.classList.toggle("panel-open", open);
    if (open) {
      renderPrivacy();
      document.getElementById("privacy-title").focus?.();
    }
  };
  toggle.addEventListener("click", () => setOpen(!panelOpen()));
  document.getElementById("privacy-close").addEventListener("click", () => setOpen(false));
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && panelOpen()) setOpen(false);
  });
  document.getElementById("export").addEventListener("click", () => {
    const blob = new Blob([JSON.stringify(state.rec.exportData(), null, 2)], { type: "application/json" });
    const url = URL.createObjectURL(blob);
    const a = h("a", { href: url, download: "lighttouch-demo-export.json" });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
    toast("Your data was exported as a JSON file.");
  });
  document.getElementById("forget").addEventListener("click", () => {
    clearTimeout(state.flushTimer);
    clearTimeout(state.impressionTimer);
    state.impressionBatch.length = 0;
    state.impressed.clear();
    state.rec.forget();
    state.basket = 0;
    document.getElementById("cart").textContent = "Basket 0";
    syncMarks();
    refresh();
    toast("Everything this site knew about you is gone.");
  });
  document.getElementById("more").addEventListener("click", () => {
    state.shown += PAGE;
    renderBrowse();
  });
}

function showError(err) {
  const notice = document.getElementById("notice");
  notice.hidden = false;
  notice.classList.add("error");
  notice.textContent = `The demo could not start: ${err?.message ?? err}`;
  document.getElementById("for-you").dataset.mode = "error";
}

/** Loads the package that scripts/build-pkg.sh copies to www/pkg, with a clear message when it is missing. */
async function loadLibrary() {
  try {
    return await import("../pkg/index.js");
  } catch (err) {
    throw new Error(`the lighttouch package is not in www/pkg (run ./scripts/start.sh): ${err.message}`);
  }
}

async function main() {
  const { default: init, Recommender } = await loadLibrary();
  if (typeof Recommender?.open !== "function") throw new Error("this build of lighttouch has no Recommender (run ./scripts/start.sh)");
  const [, response] = await Promise.all([init(), fetch("catalog.json")]);
  if (!response.ok) throw new Error(`catalog.json: HTTP ${response.status}`);
  const catalog = await response.json();
  state.items = catalog.items;
  state.categories = catalog.categories;
  for (const it of catalog.items) state.catalog.set(it.id, it);

  // The privacy options exist only in builds with the privacy API (issue 4);
  // older builds reject unknown options, so ask for them only when present.
  const hasPrivacy = typeof Recommender.prototype.setLevel === "function";
  state.taxonomy = hasPrivacy ? catalog.taxonomy : null;
  state.rec = Recommender.open(hasPrivacy
    ? {
      namespace: NAMESPACE,
      privacy: { taxonomy: catalog.taxonomy },
      // The demo has no server: a due report is handed to this callback (a real
      // site passes `endpoint` for navigator.sendBeacon) and listed in the panel.
      onSignal: (payload) => {
        state.sent.push({ at: Date.now(), payload });
        if (panelOpen()) renderPrivacy();
      },
    }
    : { namespace: NAMESPACE });
  state.rec.setCatalog(catalog.items.map(toCatalogItem));
  // The demo's Recommender, for trying the API from the browser console.
  window.demo = { rec: state.rec, catalog: state.catalog };

  syncMarks();
  renderAisles();
  wirePanel();
  refresh();
  document.body.dataset.ready = "true";
  // Write-behind: make sure batched history reaches storage when the tab goes away.
  addEventListener("pagehide", () => state.rec.flush());
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") state.rec.flush();
  });
}

main().catch((err) => {
  showError(err);
  console.error(err);
});
