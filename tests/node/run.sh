#!/usr/bin/env bash
# Node tests of the packed npm package: a Node ESM consumer, a strict
# TypeScript consumer, and every ```js example of README.md.
# Builds the package first (LIGHTTOUCH_SKIP_BUILD=1 to reuse pkg/).
# Ends with the line "N passed, N failed"; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")"
ROOT="$(cd ../.. && pwd)"

if [ "${LIGHTTOUCH_SKIP_BUILD:-}" != 1 ]; then bash "$ROOT/scripts/build-pkg.sh"; fi
VERSION="$(node -p 'require("../../npm/package.json").version')"
TARBALL="$ROOT/lighttouch-$VERSION.tgz"
[ -f "$TARBALL" ] || { echo "tests/node: $TARBALL is missing; run scripts/build-pkg.sh" >&2; exit 1; }

echo "==> install test tools and the packed tarball"
npm ci --no-audit --no-fund --silent
npm install --no-save --no-audit --no-fund --silent "$TARBALL"

TAP="$(mktemp)"
trap 'rm -f "$TAP"; rm -rf .readme-examples' EXIT
status=0
node --test --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$TAP" \
  consumer.test.mjs types.test.mjs readme.test.mjs || status=$?
grep -E '^# (tests|pass|fail|skipped) ' "$TAP" || true
pass=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$TAP" | tail -1)
fail=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$TAP" | tail -1)
echo "${pass:-0} passed, ${fail:-0} failed"
if [ "$status" -ne 0 ] && [ "${fail:-0}" = 0 ]; then echo "tests/node: the test runner failed (exit $status)" >&2; fi
exit "$status"
