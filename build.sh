#!/usr/bin/env bash
# regsim's one entry point: ./build.sh setup | build | serve [PORT] | pack | test | bench
# Idempotent: `setup` installs only what is missing; every other command installs what it needs
# first (build, serve and pack only the first line below).
#
#   setup        the wasm32 target, pinned wasm-bindgen-cli and wasm-pack (crates.io), the nightly
#                toolchain and cargo-fuzz (for fuzzing only; stable stays the default), Debian's
#                binaryen, chromium and chromium-driver (apt), the front end's npm packages;
#                for test and bench also the package tests' npm packages, Debian's Slurm and
#                munge, and a Python environment (.venv) with SALib and EMA Workbench
#   build        release wasm packages for the web into www/pkg (full) and www/pkg-core (what a
#                figure loads), wasm-opt'd; then the front end
#                (www/dist) when www/package.json exists
#   serve [PORT] build, then serve the app on http://127.0.0.1:PORT/ (default 8080, or $PORT)
#   pack         build, then the npm package regsim as target/npm/regsim-VERSION.tgz (npm pack;
#                the version is Cargo.toml's)
#   test         native tests (with the property tests and the fuzz regressions); a short fuzzing
#                run of each fuzz target; sensitivity indices against SALib; a sweep on a Slurm
#                cluster started for the test; wasm tests and batch experiments in Node.js and in
#                headless Chromium; the JS API against the release package; the npm package from
#                its tarball (Node.js, a fresh Vite project, a CDN-like second origin); the
#                crate's contents and docs; the front end's tests
#   bench        native benchmark (divan); wasm against native in Node.js and headless Chromium;
#                the npm package's and an embedded figure's sizes; the front end's speed and
#                memory benchmarks
set -euo pipefail
cd "$(dirname "$0")"

# The wasm-bindgen crate in Cargo.toml is pinned to exactly this CLI version (wasm-pack would
# otherwise try a download that fails on machines without general internet access).
WASM_BINDGEN_VERSION=0.2.130
WASM_PACK_VERSION=0.15.1
# Fuzzing (fuzz/, scripts/fuzz.sh) runs cargo-fuzz on the nightly toolchain; everything else is stable.
CARGO_FUZZ_VERSION=0.13.2
# Seconds each fuzz target runs in `test` (docs/hardening.md has the long runs).
FUZZ_SECONDS="${FUZZ_SECONDS:-20}"
# wasm-opt runs here, not in wasm-pack (see tools/wasm-opt.mjs and Cargo.toml). The features are
# those rustc enables for wasm32-unknown-unknown, plus SIMD (.cargo/config.toml), all of which every
# current browser and Node.js supports.
WASM_OPT_FLAGS=(-O3 --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
  --enable-mutable-globals --enable-reference-types --enable-multivalue --enable-simd)
export PATH="$HOME/.cargo/bin:$PATH"

log() {
  if [ -t 2 ]; then printf '\033[1m[build.sh]\033[0m %s\n' "$*" >&2; else printf '[build.sh] %s\n' "$*" >&2; fi
}

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
  setup_core
  setup_package_tests
  setup_analysis_tests
}

# What build and serve need.
setup_core() {
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
  if ! rustup toolchain list | grep -q '^nightly'; then
    log "installing the nightly toolchain (for fuzzing only; stable stays the default)"
    rustup toolchain install nightly --profile minimal
  fi
  if [ "$(cargo fuzz --version 2>/dev/null | awk '{print $2}')" != "$CARGO_FUZZ_VERSION" ]; then
    log "installing cargo-fuzz $CARGO_FUZZ_VERSION (a few minutes)"
    cargo install -q cargo-fuzz --version "=$CARGO_FUZZ_VERSION" --locked --force
  fi
  apt_install binaryen chromium chromium-driver
  if [ -f www/package.json ]; then
    if [ ! -d www/node_modules ] || [ www/package-lock.json -nt www/node_modules/.package-lock.json ]; then
      log "installing front-end packages (npm ci)"
      (cd www && npm ci --no-audit --no-fund)
    fi
  fi
}

# What the analysis tests and the docs' worked examples use: a single-node Slurm cluster's daemons
# (Debian's slurmctld, slurmd, slurm-client, munge; tests/slurm starts and stops them itself) and
# a Python environment with SALib and EMA Workbench (.venv, pinned in tools/python-requirements.txt).
setup_analysis_tests() {
  apt_install slurmctld slurmd slurm-client munge
  if ! cmp -s tools/python-requirements.txt .venv/requirements.txt 2>/dev/null; then
    log "installing the Python packages of the analysis tests into .venv (a few minutes the first time)"
    command -v python3 >/dev/null || apt_install python3
    python3 -m venv .venv 2>/dev/null || { apt_install python3-venv; rm -rf .venv; python3 -m venv .venv; }
    .venv/bin/pip install -q --disable-pip-version-check -r tools/python-requirements.txt
    cp tools/python-requirements.txt .venv/requirements.txt
  fi
}

# What the npm package's tests and size benchmark use (tsc, a Vite of their own, Playwright's
# driver for Chromium); only `test` and `bench` need them.
setup_package_tests() {
  if [ ! -d tests/package/node_modules ] || [ tests/package/package-lock.json -nt tests/package/node_modules/.package-lock.json ]; then
    log "installing the package tests' npm packages (npm ci in tests/package)"
    (cd tests/package && npm ci --no-audit --no-fund)
  fi
}

build() {
  log "building the wasm packages (release): the full build into www/pkg, the core into www/pkg-core"
  wasm-pack --quiet build --release --target web --out-dir www/pkg
  node tools/wasm-opt.mjs www/pkg "${WASM_OPT_FLAGS[@]}"
  # The core (no `full-api` feature: no sweeps, drivers or model v1.3 mapping) is what a figure
  # loads; workers fetch the full build only when asked for what only it has.
  wasm-pack --quiet build --release --target web --out-dir www/pkg-core -- --no-default-features
  node tools/wasm-opt.mjs www/pkg-core "${WASM_OPT_FLAGS[@]}"
  if [ -f www/package.json ]; then
    log "building the front end into www/dist"
    (cd www && npm run --silent build)
  fi
}

# The npm package's tarball (after build); prints its path.
pack() {
  log "packing the npm package into target/npm"
  node tools/pack.mjs
}

serve() {
  local port="${1:-${PORT:-8080}}"
  build
  local dir=www
  [ -f www/dist/index.html ] && dir=www/dist
  exec node tools/serve.mjs "$port" "$dir"
}

# The wasm test files: the API, same-bits and batch experiment files. (The other files in tests/
# are native tests; they need not build for wasm32.)
wasm_test_args() {
  local f
  for f in tests/wasm_*.rs tests/experiment_*.rs; do
    [ -f "$f" ] && printf -- '--test\n%s\n' "$(basename "$f" .rs)"
  done
}

run_tests() {
  local wasm_tests
  mapfile -t wasm_tests < <(wasm_test_args)

  log "native tests (cargo test; with the property tests and the fuzz regressions)"
  cargo test

  log "fuzzing each target for ${FUZZ_SECONDS} s (scripts/fuzz.sh)"
  scripts/fuzz.sh "$FUZZ_SECONDS"

  log "sensitivity indices against SALib on the same samples (tests/salib/compare.py)"
  cargo build --release --bin regsim
  .venv/bin/python tests/salib/compare.py target/release/regsim

  log "the worked examples of docs/analysis.md, as written (tests/docs/run_examples.py)"
  python3 tests/docs/run_examples.py target/release/regsim .venv/bin/python docs/analysis.md

  log "a sweep as a Slurm job array on a single-node cluster started for the test (tests/slurm/run.sh)"
  tests/slurm/run.sh target/release/regsim

  log "wasm tests and batch experiments in Node.js (wasm-pack test --node)"
  wasm-pack test --node --release -- "${wasm_tests[@]}" -- --nocapture

  # The runner starts Chromium with --headless --no-sandbox --disable-dev-shm-usage and adds the
  # arguments in webdriver.json. WASM_BINDGEN_USE_BROWSER runs the same test files in the browser
  # (they do not call wasm_bindgen_test_configure!); the timeout covers a whole test file.
  log "wasm tests and batch experiments in headless Chromium (wasm-pack test --chrome)"
  WASM_BINDGEN_USE_BROWSER=1 WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-300}" \
    wasm-pack test --headless --chrome --chromedriver "$(command -v chromedriver)" --release -- "${wasm_tests[@]}"

  build
  log "the JS API of the release package in Node.js (node --test tests/js)"
  node --test tests/js/

  REGSIM_TARBALL="$(pack)"
  export REGSIM_TARBALL
  log "the npm package from its tarball, and the crate's contents and docs (node --test tests/package)"
  node --test --test-concurrency=1 tests/package/

  if [ -f www/package.json ]; then
    log "front-end tests (npm test in www)"
    (cd www && npm test)
  fi
  log "all tests passed"
}

run_bench() {
  log "native benchmark (cargo bench)"
  cargo bench
  log "the sweep runner: two threads against one, memory from 1,000 to 100,000 rows (benches/sweep.py)"
  cargo build --release --bin regsim
  python3 benches/sweep.py target/release/regsim
  build
  log "wasm against native, in Node.js and headless Chromium (benches/wasm/bench.mjs)"
  node benches/wasm/bench.mjs
  log "sizes: the npm package's tarball, an embedded figure's transfer (benches/sizes.mjs)"
  node benches/sizes.mjs "$(pack)"
  if [ -f www/bench/app-bench.mjs ]; then
    log "front-end benchmark (www/bench/app-bench.mjs)"
    node www/bench/app-bench.mjs
  fi
  if [ -f www/bench/memory-bench.mjs ]; then
    log "front-end memory over 500 slider moves (www/bench/memory-bench.mjs)"
    node www/bench/memory-bench.mjs
  fi
}

cmd="${1:-}"
[ $# -gt 0 ] && shift
case "$cmd" in
  setup) setup ;;
  build) setup_core; build ;;
  serve) setup_core; serve "$@" ;;
  pack) setup_core; build; pack ;;
  test) setup; run_tests ;;
  bench) setup; run_bench ;;
  *) echo "usage: ./build.sh setup|build|serve [PORT]|pack|test|bench" >&2; exit 2 ;;
esac
