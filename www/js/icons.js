// Small stroke icons drawn as SVG (no icon font, no external files).
const SVG = "http://www.w3.org/2000/svg";
const PATHS = {
  heart: "M12 20s-7-4.4-7-10a4 4 0 0 1 7-2.6A4 4 0 0 1 19 10c0 5.6-7 10-7 10z",
  basket: "M4 9h16l-1.5 10h-13zM8 9l4-5 4 5",
  cross: "M6 6l12 12M18 6L6 18",
  info: "M12 11v6M12 7.5v.5M12 21a9 9 0 1 1 0-18 9 9 0 0 1 0 18z",
};

/** Returns an inline SVG icon by name (heart, basket, cross, info). */
export function icon(name) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("class", "icon");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", PATHS[name]);
  svg.append(path);
  return svg;
}
