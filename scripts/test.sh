#!/usr/bin/env bash
# Runs every test layer of lighttouch and prints a per-layer summary:
#   formatting, clippy (native + wasm32), native tests, the generated .d.ts,
#   wasm tests in Node, headless Chrome and headless Firefox, and the
#   end-to-end suites under tests/e2e and tests/node when present.
# Ends with the plain line "N passed, N failed" counting layers, and exits
# non-zero when any layer failed. Run `bash scripts/setup.sh` first.
#
# Environment: ONLY="fmt clippy ..." runs just those layers (names below);
# KEEP_GOING=0 stops at the first failed layer.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
LOG_DIR="$ROOT/target/test-logs"
mkdir -p "$LOG_DIR"

ONLY="${ONLY:-}"
KEEP_GOING="${KEEP_GOING:-1}"
SUMMARY=()
TESTS_PASSED=0
TESTS_FAILED=0
PASSED=0
FAILED=0

# Prints "PASSED FAILED" summed over a log's "test result: ... N passed; M
# failed" lines (cargo, wasm-bindgen-test-runner) and node's "# pass N" lines.
count_tests() {
  awk '
    /test result:/ {
      for (i = 1; i <= NF; i++) {
        if ($(i) ~ /^passed;?$/) p += $(i - 1)
        if ($(i) ~ /^failed;?$/) f += $(i - 1)
      }
    }
    /^# pass / { p += $3 }
    /^# fail / { f += $3 }
    END { printf "%d %d\n", p, f }
  ' "$1"
}

# layer NAME DESCRIPTION COMMAND...: runs one layer, logs it, records result.
layer() {
  local name="$1" description="$2"
  shift 2
  if [ -n "$ONLY" ] && ! [[ " $ONLY " == *" $name "* ]]; then return 0; fi
  if [ "$KEEP_GOING" = 0 ] && [ "$FAILED" -gt 0 ]; then return 0; fi
  local log="$LOG_DIR/$name.log" started status counts
  printf '\n==> [%s] %s\n' "$name" "$description"
  started=$(date +%s)
  "$@" 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
  local p f
  read -r p f < <(count_tests "$log")
  counts=""
  if [ $((p + f)) -gt 0 ]; then counts="$p tests passed, $f failed"; fi
  # A failed layer with no failed test counted (build error, lint) counts as one.
  if [ "$status" != 0 ] && [ "$f" = 0 ]; then f=1; fi
  TESTS_PASSED=$((TESTS_PASSED + p))
  TESTS_FAILED=$((TESTS_FAILED + f))
  local took=$(( $(date +%s) - started ))
  if [ "$status" = 0 ]; then
    PASSED=$((PASSED + 1))
    SUMMARY+=("PASS  $name  ${counts:+($counts) }${took}s")
  else
    FAILED=$((FAILED + 1))
    SUMMARY+=("FAIL  $name  ${counts:+($counts) }${took}s  exit $status, log: ${log#"$ROOT"/}")
  fi
}

# The generated TypeScript declarations must give every exported signature a
# real type: no `any` outside the hand-written custom section's `unknown`.
check_dts() {
  local out="$ROOT/target/dts-check"
  cargo build -p lighttouch --lib --target wasm32-unknown-unknown --quiet || return 1
  wasm-bindgen --target web --out-dir "$out" --out-name lighttouch \
    "$ROOT/target/wasm32-unknown-unknown/debug/lighttouch.wasm" || return 1
  local dts="$out/lighttouch.d.ts"
  echo "checking $dts"
  # The API part of the file ends where wasm-bindgen's init helpers start;
  # comment lines (JSDoc) may say "any" in prose.
  local offending
  offending="$(awk '/^export type InitInput/ { exit } { print FNR ": " $0 }' "$dts" \
    | grep -vE '^[0-9]+: *(/\*|\*|//)' | grep -wE 'any' || true)"
  if [ -n "$offending" ]; then
    echo "$offending"
    echo "error: the .d.ts lines above use \`any\` in an exported signature"
    return 1
  fi
  echo "no \`any\` in exported signatures ($(grep -c 'export' "$dts") exports checked)"
  # The public API, signature by signature (issue 2's JS example).
  local signature missing=0
  while IFS= read -r signature; do
    if ! grep -qF -- "$signature" "$dts"; then
      echo "error: missing from the .d.ts: $signature"
      missing=1
    fi
  done <<'SIGNATURES'
static open(options: OpenOptions): Recommender;
setCatalog(items: Item[]): CatalogSummary;
record(event: InteractionEvent): void;
recordImpressions(ids: string[]): number;
recommend(options?: RecommendOptions | null): Recommendation[];
explain(id: string): string;
status(): Status;
exportData(): ExportData;
forget(): void;
flush(): void;
readonly hasPendingWrites: boolean;
readonly level: Level;
setLevel(level: Level): ErasePlan;
previewSignal(): SignalPreview;
interests(): Interest[];
blockCategory(name: string): void;
unblockCategory(name: string): void;
addInterest(name: string, strength?: number | null): void;
forgetItem(id: string): number;
setModel(bytes: Uint8Array): ModelSummary;
neighbours?: NeighbourOptions;
readonly modelSummary: ModelSummary | undefined;
clearModel(): void;
SIGNATURES
  [ "$missing" = 0 ] && echo "every Recommender signature has its exact type"
}

run_if_present() {
  local script="$1"
  if [ -x "$script" ] || [ -f "$script" ]; then bash "$script"; else echo "skipped: $script not present"; fi
}

layer fmt "cargo fmt --check" cargo fmt --all -- --check
layer clippy "cargo clippy (native, all targets)" \
  cargo clippy --workspace --all-targets -- -D warnings
layer clippy-wasm "cargo clippy (wasm32: lib + tests)" \
  cargo clippy -p lighttouch --lib --tests --target wasm32-unknown-unknown -- -D warnings
layer native "cargo test --workspace" cargo test --workspace
layer dts "generated .d.ts has no any" check_dts
layer wasm-node "wasm-pack test --node (tests/node_*.rs)" \
  wasm-pack test --node -- --test 'node_*'
layer wasm-chrome "wasm-pack test --headless --chrome (tests/browser_*.rs)" \
  wasm-pack test --headless --chrome -- --test 'browser_*'
layer wasm-firefox "wasm-pack test --headless --firefox (tests/browser_*.rs)" \
  wasm-pack test --headless --firefox -- --test 'browser_*'
layer eval "scripts/eval.sh --no-sweep (MovieLens 100K table, on-device vs server)" \
  bash scripts/eval.sh --no-sweep
if [ -e tests/e2e/run.sh ]; then
  layer e2e "tests/e2e/run.sh (built package in headless browsers)" run_if_present tests/e2e/run.sh
fi
if [ -e tests/node/run.sh ]; then
  layer node-pkg "tests/node/run.sh (built package in Node)" run_if_present tests/node/run.sh
fi

printf '\n==> Summary\n'
for line in "${SUMMARY[@]}"; do echo "  $line"; done
echo "layers: $PASSED of $((PASSED + FAILED)) passed"
# The closing line CI reads: every test counted across all layers (a failed
# layer with no counted failure, e.g. clippy, counts as one failure).
echo "tests: $TESTS_PASSED passed, $TESTS_FAILED failed"
[ "$FAILED" = 0 ]
