#!/usr/bin/env bash
# Recompute every finding that README.md and docs/calibration.md state, with its robustness: the
# paired effect at the default parameters (256 paired replicates, mean ± standard error and the
# 5th–95th percentiles of the per-replicate effects) and the share of the calibration's accepted
# parameter sets (8 paired replicates each) in which its sign holds (`regsim robustness`).
#
#   scripts/findings.sh [path/to/regsim] > findings.md      # about 15 minutes on two cores
set -euo pipefail
R=${1:-target/release/regsim}
late="2033-2034"
all="2025-2034"
section() { printf '\n## %s\n\n`%s`\n\n' "$1" "$2"; }
run() { local title=$1; shift; section "$title" "regsim robustness $*"; "$R" robustness "$@"; }

echo "# Findings and their robustness (scripts/findings.sh, regsim $("$R" --version | awk '{print $2}'))"
for reform in sb1047 sb53 eu_gpai; do
  run "$reform against no regulation, $late" --baseline none --reform "$reform" \
    --summary "hhi:$late" --summary "n_developers:$late" --summary "open_share_usage:$late" \
    --summary "open_frontier_capability:$late" --summary "open_lag_quarters:$late" \
    --summary "outside_share_usage:$late" --summary "outside_share_open_usage:$late" --summary "covered_models:$late"
done
run "compliance costs on every model (\$20M a quarter against none), $late" --baseline none --reform none \
  --set regime.cover_rule=all --reform-set regime.compliance_fixed=2e7 \
  --summary "hhi:$late" --summary "n_developers:$late" --summary "entries:$all"
run "SB 1047's AND rule: \$20M a quarter of compliance against sb1047's own" --baseline sb1047 --reform sb1047 \
  --reform-set regime.compliance_fixed=2e7 \
  --summary "bunching:$all" --summary "hhi:$late" --summary "n_developers:$late" --summary "covered_models:$late"
run "derivative liability: strict_all with it against without" --baseline strict_all --reform strict_all \
  --baseline-set regime.derivative_liability=false \
  --summary "n_derivatives:$all" --summary "open_share_models:$all" --summary "open_share_usage:$all" \
  --summary "open_frontier_capability:$all" --summary "open_lag_quarters:$all"
run "heavy compliance at home only (every model covered, \$20M a quarter, no reach abroad) against none" \
  --baseline none --reform none --reform-set regime.cover_rule=all --reform-set regime.compliance_fixed=2e7 \
  --reform-set regime.binds_outside=false \
  --summary "outside_share_open_usage:$all" --summary "outside_share_usage:$all" --summary "open_share_usage:$all"
section "judgment-proof startups: safety effort under strict liability with harms ten times the default (levels)" \
  "regsim robustness --baseline strict_all --set harms.severity_median=1e7 --summary safety_small:$all --summary safety_large:$all --format json"
"$R" robustness --baseline strict_all --set harms.severity_median=1e7 --summary "safety_small:$all" --summary "safety_large:$all" --format json \
  | python3 -c '
import json, sys
small, large = json.load(sys.stdin)
gap = [s - l for s, l in zip(small["per_set"], large["per_set"])]
d = small["effect"] - large["effect"]
share = sum(1 for g in gap if g < 0) / len(gap)
s, l = small["effect"], large["effect"]
verdict = "robust" if share >= 0.9 else "not robust"
print("| summary | at the default | accepted sets | verdict |")
print("|---|---|---|---|")
print(f"| startups minus large firms, safety effort 2025–2034 | {d:+.4f} (startups {s:.4f}, large {l:.4f}) | lower in {100*share:.0f}% of {len(gap)} sets | {verdict} |")'
run "the baseline's open lag and open use, early and late (levels under no regulation)" --baseline none \
  --summary "open_lag_quarters:2025-2026" --summary "open_lag_quarters:2033-2034" \
  --summary "open_share_usage:2025-2026" --summary "open_share_usage:2033-2034" --summary "hhi:2033-2034" \
  --summary "outside_share_open_usage:2033-2034" --summary "open_frontier_outside:2033-2034"
