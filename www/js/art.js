// Generated artwork: every product gets an SVG drawn from a hash of its id,
// tinted by its aisle. Deterministic, no external images, CSP-safe (SVG
// presentation attributes, no inline style).

const SVG = "http://www.w3.org/2000/svg";

/** FNV-1a hash of a string, as an unsigned 32-bit integer. */
export function hash(str) {
  let x = 0x811c9dc5;
  for (let i = 0; i < str.length; i++) {
    x ^= str.charCodeAt(i);
    x = Math.imul(x, 0x01000193);
  }
  return x >>> 0;
}

function seeded(seed) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Hue (0-360) for an aisle name; stable across runs. */
export function categoryHue(category) {
  return hash(category) % 360;
}

function el(tag, attrs) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

let instance = 0;

/** Builds the SVG artwork for an item (id + its first category). */
export function artwork(id, category) {
  const r = seeded(hash(id));
  const hue = categoryHue(category);
  const hue2 = (hue + 25 + Math.floor(r() * 50)) % 360;
  const gid = `g${++instance}`;
  const svg = el("svg", { viewBox: "0 0 160 110", class: "art", "aria-hidden": "true", focusable: "false" });
  const defs = el("defs", {});
  const grad = el("linearGradient", { id: gid, x1: 0, y1: 0, x2: 1, y2: 1 });
  grad.append(
    el("stop", { offset: "0", "stop-color": `hsl(${hue} 55% 78%)` }),
    el("stop", { offset: "1", "stop-color": `hsl(${hue2} 50% 60%)` }),
  );
  defs.append(grad);
  svg.append(defs, el("rect", { width: 160, height: 110, fill: `url(#${gid})` }));

  // A horizon, a sun/moon and a few shapes: a tiny landscape per product.
  const horizon = 55 + r() * 30;
  svg.append(
    el("circle", { cx: 20 + r() * 120, cy: 18 + r() * 25, r: 8 + r() * 14, fill: `hsl(${(hue + 180) % 360} 70% 92%)`, opacity: 0.85 }),
  );
  const shapes = 2 + Math.floor(r() * 4);
  for (let i = 0; i < shapes; i++) {
    const x = r() * 150;
    const kind = r();
    const fill = `hsl(${(hue + i * 18) % 360} ${35 + r() * 30}% ${25 + r() * 30}%)`;
    if (kind < 0.4) {
      const w = 18 + r() * 40;
      svg.append(el("polygon", { points: `${x},${horizon} ${x + w / 2},${horizon - 20 - r() * 35} ${x + w},${horizon}`, fill, opacity: 0.9 }));
    } else if (kind < 0.7) {
      svg.append(el("rect", { x, y: horizon - 10 - r() * 30, width: 8 + r() * 22, height: 60, rx: r() * 8, fill, opacity: 0.85 }));
    } else {
      svg.append(el("circle", { cx: x, cy: horizon - 4, r: 6 + r() * 14, fill, opacity: 0.8 }));
    }
  }
  const ground = `hsl(${hue} 30% ${18 + r() * 12}%)`;
  const wave = r() * 14;
  svg.append(el("path", { d: `M0 ${horizon} Q 40 ${horizon - wave} 80 ${horizon} T 160 ${horizon} V110 H0 Z`, fill: ground }));
  return svg;
}
