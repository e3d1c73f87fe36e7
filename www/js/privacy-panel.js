// The privacy panel: the personalisation dial, what the site knows (live and
// editable), what leaves the device, export and forget. Uses the privacy API
// of lighttouch when this build has it (feature-detected), and says plainly
// what is and is not available otherwise.
import { h, replaceChildren, timeAgo } from "./dom.js";

/** The four levels of the dial, with one plain-language line each. */
export const LEVELS = [
  { id: "off", label: "Off", line: "Nothing about you is stored. You see what is popular and new, the same as everyone." },
  { id: "session", label: "This visit only", line: "We remember what you do until you reload or close this tab. Nothing is saved." },
  { id: "personal", label: "On this device", line: "Your history is kept in this browser to personalise the shop. Nothing is sent anywhere." },
  { id: "contribute", label: "Help the shop", line: "As “On this device”, plus at most one coarse, noised signal a week (no ids, no history) that helps the shop learn what people like." },
];

const KIND_VERB = {
  view: "Viewed", click: "Looked at", dwell: "Read about", like: "Liked", dislike: "Disliked",
  addToCart: "Added to basket", purchase: "Bought", dismiss: "Not for me", rate: "Rated",
};

/** Feature checks for the optional privacy API (issue 4). */
export const has = {
  dial: (rec) => typeof rec.setLevel === "function",
  interests: (rec) => typeof rec.interests === "function",
  forgetItem: (rec) => typeof rec.forgetItem === "function",
  preview: (rec) => typeof rec.previewSignal === "function",
};

/** Finds the raw event list in exportData(), whatever nesting the build uses. */
export function eventsFromExport(data) {
  if (!data || typeof data !== "object") return [];
  const candidates = [data.events, data.history?.events, data.history, data.state?.events];
  for (const c of candidates) if (Array.isArray(c)) return c.filter((e) => e && typeof e.item === "string");
  return [];
}

/** The current level, or "personal" when this build has no dial (it persists everything). */
export function currentLevel(rec) {
  return has.dial(rec) ? String(rec.level) : "personal";
}

/** Category interests from exportData().profile, decayed to now, strongest first. */
export function inferredInterests(data, now = Date.now()) {
  const categories = data?.profile?.categories;
  if (!categories || typeof categories !== "object") return [];
  const halfLifeMs = (data.options?.halfLifeDays ?? 14) * 86400000;
  return Object.entries(categories)
    .map(([category, a]) => ({ category, strength: (a?.value ?? 0) * Math.pow(2, -(now - (a?.at ?? now)) / halfLifeMs) }))
    .filter((i) => i.strength > 0)
    .sort((x, y) => y.strength - x.strength)
    .slice(0, 12);
}

function formatBytes(n) {
  if (typeof n !== "number") return "?";
  return n < 1024 ? `${n} bytes` : `${(n / 1024).toFixed(1)} KB`;
}

/**
 * Renders the whole panel. `ctx`: { rec, catalog, categories, onChange(message) }.
 * onChange is called after any edit so the page can re-rank.
 */
export function renderPanel(ctx) {
  renderDial(ctx);
  renderKnows(ctx);
  renderLeaves(ctx);
}

function renderDial({ rec, onChange }) {
  const dial = document.getElementById("dial");
  const note = document.getElementById("dial-note");
  const available = has.dial(rec);
  const level = currentLevel(rec);
  const legend = dial.querySelector("legend");
  replaceChildren(dial, legend, LEVELS.map((l) => {
    const input = h("input", {
      type: "radio", name: "level", value: l.id, id: `level-${l.id}`,
      checked: l.id === level, disabled: !available,
      onchange: () => {
        try {
          rec.setLevel(l.id);
          onChange(`Personalisation: ${l.label}`);
        } catch (err) {
          onChange(`Could not change the level: ${err.message}`);
        }
      },
    });
    return h("label", { class: `level${l.id === level ? " current" : ""}`, for: `level-${l.id}` },
      input,
      h("span", { class: "level-text" }, h("strong", { text: l.label }), h("span", { text: l.line })));
  }));
  note.textContent = available
    ? "Lowering the level erases at once what the lower level does not keep."
    : "This build of lighttouch has no dial yet: it keeps your history on this device (“On this device”) and sends nothing.";
  const badge = document.getElementById("level-badge");
  badge.textContent = LEVELS.find((l) => l.id === level)?.label ?? level;
}

function renderKnows({ rec, catalog, categories, onChange }) {
  const status = rec.status();
  const data = rec.exportData();
  const events = eventsFromExport(data);
  document.getElementById("knows-status").textContent =
    `${status.events} interaction${status.events === 1 ? "" : "s"} remembered · ` +
    `${formatBytes(status.storedBytes)} ${status.persistent ? "saved in this browser" : "kept in memory only (nothing saved)"}` +
    (status.lastError ? ` · note: ${status.lastError}` : "");

  // Interests (editable when the build has the privacy API).
  const list = document.getElementById("interests");
  const form = document.getElementById("add-interest");
  const select = document.getElementById("add-interest-select");
  if (has.interests(rec)) {
    const interests = [...(rec.interests() ?? [])].sort((a, b) => (b.strength ?? 0) - (a.strength ?? 0));
    const max = Math.max(1e-9, ...interests.map((i) => Math.abs(i.strength ?? 0)));
    replaceChildren(list, interests.length ? interests.map((i) => {
      const name = i.category ?? i.name;
      return h("li", { class: `interest${i.blocked ? " blocked" : ""}`, dataset: { category: name } },
        h("span", { class: "interest-name", text: name }),
        h("meter", { min: 0, max: 1, value: Math.max(0, (i.strength ?? 0) / max), "aria-label": `strength of ${name}` }),
        i.blocked
          ? h("button", { type: "button", class: "small", text: "Unblock", onclick: () => { rec.unblockCategory(name); onChange(`Unblocked ${name}`); } })
          : h("button", { type: "button", class: "small", text: "Block", onclick: () => { rec.blockCategory(name); onChange(`Blocked ${name}: you will not see it in “For you”`); } }));
    }) : h("li", { class: "empty", text: "No interests yet. Click around the shop, or add one below." }));
    form.hidden = false;
    replaceChildren(select, categories.map((c) => h("option", { value: c, text: c })));
    form.onsubmit = (e) => {
      e.preventDefault();
      try {
        rec.addInterest(select.value);
        onChange(`Added ${select.value} to your interests`);
      } catch (err) {
        onChange(`Could not add ${select.value}: ${err.message}`);
      }
    };
  } else {
    // Read-only: the decayed category affinities from exportData().profile.
    const inferred = inferredInterests(data);
    const max = Math.max(1e-9, ...inferred.map((i) => i.strength));
    replaceChildren(list,
      inferred.map((i) => h("li", { class: "interest", dataset: { category: i.category } },
        h("span", { class: "interest-name", text: i.category }),
        h("meter", { min: 0, max: 1, value: i.strength / max, "aria-label": `strength of ${i.category}` }),
        h("span"))),
      h("li", { class: "empty", text: inferred.length
        ? "Inferred from your history. Editing interests needs the privacy module, which is not in this build: use Forget below."
        : "No interests yet. Click around the shop." }));
    form.hidden = true;
  }

  // History, newest first, with "forget this item".
  const history = document.getElementById("history");
  const recent = events.slice(-25).reverse();
  replaceChildren(history, recent.length ? recent.map((e) => {
    const item = catalog.get(e.item);
    return h("li", { dataset: { item: e.item, kind: e.kind } },
      h("span", { class: "history-text" },
        h("span", { class: "history-kind", text: KIND_VERB[e.kind] ?? e.kind }),
        h("span", { class: "history-title", text: item ? item.title : e.item }),
        typeof e.at === "number" ? h("span", { class: "history-when", text: timeAgo(e.at) }) : null),
      has.forgetItem(rec)
        ? h("button", { type: "button", class: "small ghost", text: "Forget", "aria-label": `Forget ${item ? item.title : e.item}`, onclick: () => { rec.forgetItem(e.item); onChange(`Forgot “${item ? item.title : e.item}”`); } })
        : null);
  }) : h("li", { class: "empty", text: status.events ? "History is summarised; no raw events to show." : "Nothing yet." }));
  document.getElementById("raw-export").textContent = JSON.stringify(data, null, 2);
}

function renderLeaves({ rec, sent = [] }) {
  const sentList = document.getElementById("sent");
  replaceChildren(sentList, sent.map((s) => h("li", {},
    h("span", { text: `${timeAgo(s.at)}: ` }),
    h("code", { text: JSON.stringify(s.payload) }))));
  sentList.hidden = sent.length === 0;
  const summary = document.getElementById("leaves-summary");
  const budget = document.getElementById("budget");
  const payloadEl = document.getElementById("payload");
  const hidePayload = () => {
    payloadEl.hidden = true;
    payloadEl.textContent = "";
  };
  if (!has.preview(rec)) {
    summary.textContent = "Nothing. This build of lighttouch has no upstream signals: your history and your interests stay in this browser.";
    replaceChildren(budget);
    hidePayload();
    return;
  }
  // Only "Help the shop" sends anything. Building the preview at another level
  // would randomise (and spend) a report the visitor did not ask for.
  if (currentLevel(rec) !== "contribute") {
    summary.textContent = "Nothing leaves your device at this level. Choose “Help the shop” to see the one coarse, noised report it would send.";
    replaceChildren(budget);
    hidePayload();
    return;
  }
  const preview = rec.previewSignal();
  // previewSignal() gives { payload, description, budget… } or the payload itself.
  const payload = preview?.payload ?? (preview && typeof preview === "object" && "bits" in preview ? preview : null);
  if (!payload) {
    summary.textContent = preview?.description ?? "No report is due: the privacy budget or this period's one report is used up.";
    hidePayload();
  } else {
    summary.textContent = preview.description ?? "This is the next report, exactly as it will be sent.";
    payloadEl.hidden = false;
    payloadEl.textContent = JSON.stringify(payload, null, 2);
  }
  const rows = [];
  const epsilon = payload?.epsilon ?? preview?.epsilon;
  if (typeof epsilon === "number") rows.push(["ε of this report", epsilon.toFixed(2)]);
  const spent = preview?.budgetSpent ?? preview?.budget?.used ?? preview?.budget?.spent;
  const max = preview?.budgetMax ?? preview?.budget?.cap ?? preview?.budget?.max;
  if (typeof spent === "number") rows.push(["Budget used", spent.toFixed(2)]);
  if (typeof spent === "number" && typeof max === "number") rows.push(["Budget left", Math.max(0, max - spent).toFixed(2)]);
  if (typeof max === "number") rows.push(["Budget cap", max.toFixed(2)]);
  if (typeof preview?.sendAfterMs === "number") {
    const when = preview.sendAfterMs > 1e12 ? new Date(preview.sendAfterMs) : new Date(Date.now() + preview.sendAfterMs);
    rows.push(["Not sent before", when.toLocaleString()]);
  }
  replaceChildren(budget, rows.flatMap(([k, v]) => [h("dt", { text: k }), h("dd", { text: v })]));
}
