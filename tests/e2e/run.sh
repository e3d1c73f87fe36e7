#!/usr/bin/env bash
# Browser tests in headless Chromium (system /usr/bin/chromium, driven by
# playwright-core; no browser is downloaded): the demo shop (demo.test.mjs)
# and a fresh Vite app using the packed tarball (../vite-app).
# Builds the package first (LIGHTTOUCH_SKIP_BUILD=1 to reuse pkg/).
# Screenshots go to artifacts/ (git-ignored). Ends with "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")"
ROOT="$(cd ../.. && pwd)"
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
[ -x "$CHROMIUM" ] || { echo "tests/e2e: $CHROMIUM not found; run: bash scripts/setup.sh" >&2; exit 1; }

if [ "${LIGHTTOUCH_SKIP_BUILD:-}" != 1 ]; then bash "$ROOT/scripts/build-pkg.sh"; fi
VERSION="$(node -p 'require("../../npm/package.json").version')"
TARBALL="$ROOT/lighttouch-$VERSION.tgz"
[ -f "$TARBALL" ] || { echo "tests/e2e: $TARBALL is missing; run scripts/build-pkg.sh" >&2; exit 1; }
[ -f "$ROOT/www/pkg/lighttouch_bg.wasm" ] || { echo "tests/e2e: www/pkg is missing; run scripts/build-pkg.sh" >&2; exit 1; }
node "$ROOT/scripts/gen-catalog.mjs" --check

echo "==> install playwright-core (no browser download) and the Vite app with the packed tarball"
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent
(cd ../vite-app && npm ci --no-audit --no-fund --silent && npm install --no-save --no-audit --no-fund --silent "$TARBALL")

TAP="$(mktemp)"
trap 'rm -f "$TAP"' EXIT
status=0
CHROMIUM="$CHROMIUM" node --test --test-timeout=120000 \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$TAP" \
  demo.test.mjs ../vite-app/vite-app.test.mjs || status=$?
grep -E '^# (tests|pass|fail|skipped) ' "$TAP" || true
pass=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$TAP" | tail -1)
fail=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$TAP" | tail -1)
skipped=$(sed -n 's/^# skipped \([0-9]*\)$/\1/p' "$TAP" | tail -1)
echo "screenshots: $(ls "$ROOT"/artifacts/*.png 2>/dev/null | tr '\n' ' ')"
[ "${skipped:-0}" = 0 ] || echo "skipped: $skipped (see the reasons above)"
echo "${pass:-0} passed, ${fail:-0} failed"
exit "$status"
