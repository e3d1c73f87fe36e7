#!/usr/bin/env bash
# Builds the npm package `lighttouch` into pkg/ and packs it:
#   1. wasm-pack build --release --target web (ESM + explicit init(), works in
#      browsers, bundlers and Node when given the .wasm bytes);
#   2. wasm-opt (binaryen) shrinks the .wasm;
#   3. the package entry (npm/index.js + index.d.ts) and npm/package.json are
#      laid over wasm-pack's output;
#   4. npm pack writes lighttouch-<version>.tgz at the repository root;
#   5. the package is copied to www/pkg for the demo page.
# Prints the .wasm size raw and gzip and the tarball size on every build.
# When nothing that goes into the package changed since the last build
# (same hash of src/, npm/, Cargo.*, README.md and this script), the build is
# skipped and the sizes printed again; FORCE=1 rebuilds anyway.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
export PATH="$HOME/.cargo/bin:$PATH"
WASM_OPT_LEVEL="${WASM_OPT_LEVEL:--Oz}"
# rustc's opt-level for the .wasm only ("z": smallest; the native tools keep
# Cargo.toml's opt-level 3). Measured (wasm-opt -Oz after): 3 -> 687 KB raw /
# 272 KB gzip, "s" -> 640 / 252, "z" -> 581 / 235; core_bench recommend
# 0.097 -> 0.141 ms/call natively.
RUST_OPT_LEVEL="${RUST_OPT_LEVEL:-z}"

need() { command -v "$1" >/dev/null 2>&1 || { echo "build-pkg: '$1' is missing; run: bash scripts/setup.sh" >&2; exit 1; }; }
need wasm-pack
need wasm-opt
need npm

CARGO_VERSION="$(sed -n 's/^version *= *"\(.*\)"/\1/p' Cargo.toml | head -1)"
NPM_VERSION="$(node -p 'require("./npm/package.json").version')"
if [ "$CARGO_VERSION" != "$NPM_VERSION" ]; then
  echo "build-pkg: Cargo.toml version $CARGO_VERSION differs from npm/package.json version $NPM_VERSION" >&2
  exit 1
fi

TARBALL="lighttouch-$NPM_VERSION.tgz"
print_sizes() {
  local raw gz tgz
  raw=$(stat -c %s pkg/lighttouch_bg.wasm)
  gz=$(gzip -9 -c pkg/lighttouch_bg.wasm | wc -c)
  tgz=$(stat -c %s "$TARBALL")
  echo
  echo "lighttouch $NPM_VERSION package sizes:"
  printf '  .wasm raw     %8d bytes%s\n' "$raw" "${1:-}"
  printf '  .wasm gzip -9 %8d bytes\n' "$gz"
  printf '  tarball       %8d bytes  %s\n' "$tgz" "$TARBALL"
}
INPUTS_HASH="$( (find src npm -type f | LC_ALL=C sort; echo Cargo.toml Cargo.lock README.md scripts/build-pkg.sh) \
  | xargs cat 2>/dev/null | sha256sum | cut -d' ' -f1)"
if [ "${FORCE:-}" != 1 ] && [ -f pkg/.inputs-hash ] && [ "$(cat pkg/.inputs-hash)" = "$INPUTS_HASH" ] \
  && [ -f "$TARBALL" ] && [ -f www/pkg/lighttouch_bg.wasm ]; then
  echo "==> package is up to date with its sources (FORCE=1 to rebuild)"
  print_sizes
  exit 0
fi

echo "==> wasm-pack build (release, web target, opt-level $RUST_OPT_LEVEL)"
# --no-opt: wasm-pack would try to download its own binaryen; we run the
# wasm-opt installed by scripts/setup.sh below instead.
CARGO_PROFILE_RELEASE_OPT_LEVEL="$RUST_OPT_LEVEL" \
  wasm-pack build --release --target web --out-dir pkg --out-name lighttouch --no-opt --no-pack
test -f pkg/lighttouch_bg.wasm || { echo "build-pkg: wasm-pack produced no pkg/lighttouch_bg.wasm" >&2; exit 1; }

echo "==> wasm-opt $WASM_OPT_LEVEL"
RAW_BEFORE=$(stat -c %s pkg/lighttouch_bg.wasm)
# Features rustc enables by default for wasm32-unknown-unknown (Rust >= 1.82).
wasm-opt "$WASM_OPT_LEVEL" \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  --strip-debug --strip-producers \
  pkg/lighttouch_bg.wasm -o pkg/lighttouch_bg.opt.wasm
mv pkg/lighttouch_bg.opt.wasm pkg/lighttouch_bg.wasm

echo "==> package files"
cp npm/index.js npm/index.d.ts npm/package.json pkg/
[ -f README.md ] && cp README.md pkg/README.md
rm -f pkg/.gitignore
# Every file the package lists must exist.
node -e '
  const files = require("./pkg/package.json").files;
  const missing = files.filter((f) => !require("fs").existsSync("pkg/" + f));
  if (missing.length) { console.error("build-pkg: missing package files: " + missing.join(", ")); process.exit(1); }
'

echo "==> npm pack"
rm -f "$TARBALL"
(cd pkg && npm pack --silent --pack-destination "$ROOT" >/dev/null)
test -f "$TARBALL"

echo "==> demo copy (www/pkg)"
rm -rf www/pkg
mkdir -p www/pkg
cp pkg/index.js pkg/index.d.ts pkg/lighttouch.js pkg/lighttouch.d.ts pkg/lighttouch_bg.wasm www/pkg/

echo "$INPUTS_HASH" > pkg/.inputs-hash
print_sizes " ($RAW_BEFORE before wasm-opt)"
