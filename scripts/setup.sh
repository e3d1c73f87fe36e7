#!/usr/bin/env bash
# Installs everything lighttouch's build and tests need that is missing:
#   Rust target wasm32-unknown-unknown, wasm-bindgen-cli (the exact version
#   pinned in Cargo.toml), wasm-pack, Node.js, Chromium + ChromeDriver,
#   Firefox ESR + geckodriver, binaryen's wasm-opt, and the npm packages of
#   any test folder that has a package-lock.json.
# Idempotent: every step checks first and skips what is present, so it is safe
# to run on every CI start. Needs only the Rust, npm and Debian package registries.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$PATH"
export DEBIAN_FRONTEND=noninteractive

step() { printf '\n==> %s\n' "$*"; }
have() { command -v "$1" >/dev/null 2>&1; }
present() { echo "present: $*"; }
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

# The wasm-bindgen version pinned in Cargo.toml (`wasm-bindgen = "=X.Y.Z"`);
# the CLI must match the macro's version exactly.
WASM_BINDGEN_VERSION="$(sed -nE 's/^wasm-bindgen *= *"=([0-9][0-9.]*)".*/\1/p' "$ROOT/Cargo.toml" | head -n1)"
if [ -z "$WASM_BINDGEN_VERSION" ]; then
  echo "error: Cargo.toml does not pin wasm-bindgen as \"=X.Y.Z\"" >&2
  exit 1
fi

APT_UPDATED=0
apt_install() {
  if [ "$APT_UPDATED" = 0 ]; then
    $SUDO apt-get update -qq
    APT_UPDATED=1
  fi
  $SUDO apt-get install -y -qq --no-install-recommends "$@"
}

step "Rust toolchain"
if ! have cargo || ! have rustup; then
  echo "error: cargo/rustup not found; install Rust from your distribution or rustup first" >&2
  exit 1
fi
present "$(rustc --version)"

step "Rust target wasm32-unknown-unknown"
if rustup target list --installed | grep -qx wasm32-unknown-unknown; then present wasm32-unknown-unknown; else
  rustup target add wasm32-unknown-unknown
fi

step "rustfmt and clippy"
for component in rustfmt clippy; do
  if rustup component list --installed | grep -q "^$component"; then present "$component"; else
    rustup component add "$component"
  fi
done

step "wasm-bindgen-cli $WASM_BINDGEN_VERSION"
if have wasm-bindgen && wasm-bindgen --version | grep -q " $WASM_BINDGEN_VERSION\$" &&
  have wasm-bindgen-test-runner; then
  present "$(wasm-bindgen --version)"
else
  cargo install wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION" --force
fi

step "wasm-pack"
if have wasm-pack; then present "$(wasm-pack --version)"; else cargo install wasm-pack; fi

step "Node.js and npm"
if have node && have npm; then present "node $(node --version)"; else apt_install nodejs npm; fi

step "Chromium and ChromeDriver"
if have chromium && have chromedriver; then present "$(chromium --version 2>/dev/null || echo chromium)"; else
  apt_install chromium chromium-driver
fi

step "Firefox ESR"
if have firefox || have firefox-esr; then present "firefox"; else apt_install firefox-esr; fi
# geckodriver looks for a binary named `firefox`; Debian installs `firefox-esr`.
if ! have firefox && have firefox-esr; then
  $SUDO ln -sf "$(command -v firefox-esr)" /usr/local/bin/firefox
  echo "linked /usr/local/bin/firefox -> firefox-esr"
fi

step "geckodriver"
if have geckodriver; then present "$(geckodriver --version | head -n1)"; else cargo install geckodriver; fi

step "binaryen (wasm-opt)"
if have wasm-opt; then present "$(wasm-opt --version)"; else
  $SUDO npm install --global --no-audit --no-fund binaryen
fi

step "npm packages of test folders"
found_lockfile=0
# Browsers come from Debian above: never let an npm package download one.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 PUPPETEER_SKIP_DOWNLOAD=1
for lockfile in "$ROOT"/tests/package-lock.json "$ROOT"/tests/*/package-lock.json; do
  [ -f "$lockfile" ] || continue
  dir="$(dirname "$lockfile")"
  found_lockfile=1
  stamp="$dir/node_modules/.package-lock.json"
  if [ -f "$stamp" ] && [ "$stamp" -nt "$dir/package-lock.json" ]; then
    present "${dir#"$ROOT"/}/node_modules"
  else
    (cd "$dir" && npm ci --no-audit --no-fund)
  fi
done
if [ "$found_lockfile" = 0 ]; then echo "no package-lock.json under tests/: nothing to install"; fi

echo
echo "setup complete"
