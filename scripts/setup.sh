#!/usr/bin/env bash
# Installs everything lighttouch needs that is missing. Idempotent: each step
# checks first and skips what is present. Safe to run on every CI start.
set -euo pipefail

WASM_BINDGEN_VERSION="$(grep -E '^wasm-bindgen *= *"=' "$(dirname "$0")/../Cargo.toml" | sed -E 's/.*"=([0-9.]+)".*/\1/')"
WASM_BINDGEN_VERSION="${WASM_BINDGEN_VERSION:-0.2.130}"
export PATH="$HOME/.cargo/bin:$PATH"

step() { printf '\n==> %s\n' "$*"; }
have() { command -v "$1" >/dev/null 2>&1; }
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"

step "Rust target wasm32-unknown-unknown"
if rustup target list --installed | grep -qx wasm32-unknown-unknown; then echo "present"; else rustup target add wasm32-unknown-unknown; fi

step "wasm-bindgen-cli $WASM_BINDGEN_VERSION"
if have wasm-bindgen && wasm-bindgen --version | grep -q " $WASM_BINDGEN_VERSION"; then echo "present"; else
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force; fi

step "wasm-pack"
if have wasm-pack; then echo "present"; else cargo install wasm-pack; fi

APT_UPDATED=0
apt_install() {
  if [ "$APT_UPDATED" = 0 ]; then $SUDO apt-get update -qq; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@"
}

step "Chromium and ChromeDriver"
if have chromium && have chromedriver; then echo "present"; else apt_install chromium chromium-driver; fi

step "Firefox ESR"
if have firefox || have firefox-esr; then echo "present"; else apt_install firefox-esr; fi

step "geckodriver"
if have geckodriver; then echo "present"; else cargo install geckodriver; fi

step "binaryen (wasm-opt)"
if have wasm-opt; then echo "present"; else npm i -g binaryen >/dev/null; fi

echo; echo "setup complete"
