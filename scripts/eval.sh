#!/usr/bin/env bash
# One command for the evaluation harness: fetches MovieLens 100K (once, into
# the git-ignored .cache/), builds the tools in release mode and prints the
# table (all rows, model sizes per k and quantisation). Extra arguments go to
# `lighttouch eval` (e.g. --no-sweep, --seed 7).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
bash scripts/fetch-movielens.sh
cargo build --release -q -p lighttouch-tools
time ./target/release/lighttouch eval --data .cache/ml-100k "$@"
