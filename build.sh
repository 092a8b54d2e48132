#!/usr/bin/env bash
# regsim's one entry point: ./build.sh setup | build | serve [PORT] | test | bench
# Idempotent: `setup` installs only what is missing; every other command runs `setup` first.
set -euo pipefail
cd "$(dirname "$0")"

# The wasm-bindgen crate in Cargo.toml is pinned to exactly this CLI version (wasm-pack would
# otherwise try a download that fails on machines without general internet access).
WASM_BINDGEN_VERSION=0.2.130
WASM_PACK_VERSION=0.15.1
export PATH="$HOME/.cargo/bin:$PATH"

log() { printf '\033[1m[build.sh]\033[0m %s\n' "$*" >&2; }

apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Debian packages: ${missing[*]}"
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
}

setup() {
  command -v cargo >/dev/null || { echo "build.sh: cargo not found; install rustup first (https://rustup.rs)" >&2; exit 1; }
  command -v node >/dev/null || { echo "build.sh: node not found; install Node.js 20 or later first" >&2; exit 1; }
  rustup target list --installed | grep -qx wasm32-unknown-unknown || { log "adding wasm32 target"; rustup target add wasm32-unknown-unknown; }
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
    log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes)"
    cargo install -q wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION" --force
  fi
  if [ "$(wasm-pack --version 2>/dev/null | awk '{print $2}')" != "$WASM_PACK_VERSION" ]; then
    log "installing wasm-pack $WASM_PACK_VERSION (a few minutes)"
    cargo install -q wasm-pack --version "=$WASM_PACK_VERSION" --force
  fi
  apt_install binaryen chromium chromium-driver
  if [ -f www/package.json ]; then
    if [ ! -d www/node_modules ] || [ www/package-lock.json -nt www/node_modules/.package-lock.json ]; then
      log "installing front-end packages (npm ci)"
      (cd www && npm ci --no-audit --no-fund)
    fi
  fi
}

case "${1:-}" in
  setup) setup ;;
  *) echo "usage: ./build.sh setup|build|serve [PORT]|test|bench" >&2; exit 2 ;;
esac
