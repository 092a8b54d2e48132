#!/usr/bin/env python3
"""Quick look at the MODEL.md §6.1 calibration targets for a baseline run (development aid)."""
import json, subprocess, sys, math
args = sys.argv[1:]
out = subprocess.run(["./target/release/regsim", "run", "--preset", "none", "--replicates", "64", *args], capture_output=True, text=True, check=True).stdout
r = json.loads(out)
m = r["metrics"]
def mean(name, a, b, stat="mean"):
    xs = [x for x in m[name][stat][a:b] if x is not None]
    return sum(xs) / len(xs) if xs else float("nan")
print("HHI 2025-26          %.0f  [1800,3200]" % mean("hhi", 0, 8))
print("open models 2025-26  %.3f [0.35,0.7]" % mean("open_share_models", 0, 8))
print("open use 2025-26     %.3f [0.08,0.35]" % mean("open_share_usage", 0, 8))
c25, c26, c27 = mean("new_top_model_cost_usd", 0, 4), mean("new_top_model_cost_usd", 4, 8), mean("new_top_model_cost_usd", 8, 12)
print("top cost 2025-26     %.3g [1e8,1e9]  growth 25->26 %.2f 26->27 %.2f [2,3]" % (mean("new_top_model_cost_usd", 0, 8), c26 / c25, c27 / c26))
i25, i26, i27 = mean("incidents", 0, 4), mean("incidents", 4, 8), mean("incidents", 8, 12)
print("incidents growth     %.2f %.2f [1.3,1.8]" % (i26 / i25, i27 / i26))
print("open use 2027-28     %.3f >=0.05 ; open models 2027-28 %.3f >=0.2" % (mean("open_share_usage", 8, 16), mean("open_share_models", 8, 16)))
print("n_dev end %.1f  n_deriv end %.1f  hhi end %.0f  open models end %.3f open use end %.3f lag end %.1f" % (m["n_developers"]["mean"][-1], m["n_derivatives"]["mean"][-1], m["hhi"]["mean"][-1], m["open_share_models"]["mean"][-1], m["open_share_usage"]["mean"][-1], m["open_lag_quarters"]["mean"][-1]))
