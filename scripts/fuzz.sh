#!/usr/bin/env bash
# Coverage-guided fuzzing of every target in fuzz/ (cargo-fuzz and libFuzzer, on the nightly
# toolchain; `./build.sh setup` installs both).
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]    each target for SECONDS (default 20), all by default
#
# A target fuzzes its working corpus fuzz/corpus/NAME (not in git), seeded from fuzz/seeds/NAME.
# A crash, or an input slower than 10 s (a hang), stops the run with the input saved in
# fuzz/artifacts/NAME/ and the script fails; once fixed, copy the input to fuzz/regressions/NAME/,
# where tests/fuzz_regressions.rs keeps it passing. One line per target reports the runs, their
# rate, the coverage and what the corpus gained. The long runs of docs/hardening.md are
# `nice -n 10 scripts/fuzz.sh 1800`.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
export PATH="$HOME/.cargo/bin:$PATH"
secs="${1:-20}"
[ $# -gt 0 ] && shift
targets=("$@")
[ ${#targets[@]} -eq 0 ] && mapfile -t targets < <(cargo +nightly fuzz list)
# Debug assertions (and overflow checks) on; no sanitizer: the model is safe Rust, and the runs
# go further without one.
flags=(--release --debug-assertions --sanitizer none)
cargo +nightly fuzz build "${flags[@]}" 2>&1 | grep -vE '^\s+(Compiling|Finished|Downloaded|Downloading)' || true
status=0
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t" "artifacts/$t"
  log="$(mktemp)"
  start=$(date +%s)
  if cargo +nightly fuzz run "${flags[@]}" "$t" "corpus/$t" "seeds/$t" -- \
      -max_total_time="$secs" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix="artifacts/$t/" >"$log" 2>&1; then
    ok=1
  else
    ok=0
  fi
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  added=$(grep -o 'stat::new_units_added: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | grep -o '[0-9]*' || echo '?')
  echo "fuzz: $t: $runs runs in $(( $(date +%s) - start )) s ($rate/s), coverage $cov edges, $added new inputs, corpus $(ls "corpus/$t" | wc -l) files"
  if [ "$ok" -ne 1 ]; then
    grep -E 'panicked|ERROR|SUMMARY|Test unit written|timeout' "$log" | head -20 >&2 || tail -30 "$log" >&2
    echo "fuzz: $t FAILED; the input is in fuzz/artifacts/$t/ (full log: $log)" >&2
    status=1
  else
    rm -f "$log"
  fi
done
exit $status
