#!/usr/bin/env bash
# The README's first command: installs what is missing, builds the npm
# package, and serves the demo shop on http://localhost:8080 (PORT to change)
# with the Content-Security-Policy the page is written for.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-8080}"
bash scripts/setup.sh
bash scripts/build-pkg.sh
echo
echo "==> The demo: open http://localhost:$PORT  (Ctrl+C to stop)"
exec node scripts/serve.mjs www "$PORT"
