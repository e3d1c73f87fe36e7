// Product cards for the "For you" row and the aisle grid.
import { h } from "./dom.js";
import { artwork } from "./art.js";
import { icon } from "./icons.js";

const euro = new Intl.NumberFormat("en-IE", { style: "currency", currency: "EUR" });

/** Short label for a structured reason from recommend(). */
export function reasonLabel(reason, catalog) {
  switch (reason.kind) {
    case "category":
      return `You like ${reason.name}`;
    case "tag":
      return `Tagged “${reason.name}”`;
    case "similarToItem": {
      const item = catalog.get(reason.id);
      return item ? `Like “${item.title}”` : "Like something you viewed";
    }
    case "popular":
      return "Popular";
    case "fresh":
    case "freshness":
    case "new":
      return "New in";
    default:
      return reason.name ? `${reason.kind}: ${reason.name}` : String(reason.kind);
  }
}

/**
 * Builds one card. `actions` has click(id), like(id), dismiss(id), basket(id)
 * and explain(id) -> string. `state` has liked/seen/dismissed Sets.
 */
export function card(item, { rec, catalog, actions, state, place }) {
  const reasons = rec?.reasons ?? [];
  const why = h("div", { class: "why", hidden: true, role: "note" });
  const whyButton = h("button", {
    type: "button",
    class: "why-button",
    "aria-label": `Why this? ${item.title}`,
    "aria-expanded": "false",
    onclick: () => {
      const open = why.hidden;
      if (open) {
        why.replaceChildren(h("p", { text: actions.explain(item.id) }));
        if (reasons.length) {
          why.append(h("ul", { class: "reasons" }, reasons.map((r) => h("li", { text: reasonLabel(r, catalog) }))));
        }
      }
      why.hidden = !open;
      whyButton.setAttribute("aria-expanded", String(open));
    },
  }, icon("info"), h("span", { text: "Why this?" }));

  const liked = state.liked.has(item.id);
  const li = h("li", {
    class: `card${state.seen.has(item.id) ? " seen" : ""}${state.dismissed.has(item.id) ? " dismissed" : ""}`,
    dataset: {
      id: item.id,
      category: item.categories[0],
      categories: item.categories.join("|"),
      reasons: reasons.map((r) => r.kind).join(" "),
      place,
    },
  },
  h("button", { type: "button", class: "card-open", "aria-label": `Look at ${item.title}`, onclick: () => actions.click(item.id) },
    artwork(item.id, item.categories[0]),
    h("span", { class: "title", text: item.title })),
  h("div", { class: "card-body" },
    h("p", { class: "meta" },
      h("span", { class: "aisle", text: item.categories.join(" · ") }),
      h("span", { class: "price", text: euro.format(item.price) })),
    h("p", { class: "blurb", text: item.blurb }),
    h("div", { class: "card-actions" },
      h("button", { type: "button", class: "icon-button like", "aria-pressed": String(liked), "aria-label": `Like ${item.title}`, title: "Like", onclick: () => actions.like(item.id) }, icon("heart")),
      h("button", { type: "button", class: "icon-button basket", "aria-label": `Add ${item.title} to basket`, title: "Add to basket", onclick: () => actions.basket(item.id) }, icon("basket")),
      h("button", { type: "button", class: "icon-button dismiss", "aria-label": `Not for me: ${item.title}`, title: "Not for me", onclick: () => actions.dismiss(item.id) }, icon("cross")),
      whyButton),
    why));
  return li;
}
