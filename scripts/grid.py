#!/usr/bin/env python3
"""Development aid: grid search of calibration over [A] parameters within MODEL.md's ranges."""
import itertools, subprocess, sys, re
grid = {
    "market.growth_first": [2.0, 2.25, 2.5],
    "market.beta_frontier": [2.5, 2.8],
    "market.nest_lambda": [0.45, 0.6],
    "firms.dev_cost_multiple": [4.0, 5.5],
    "market.frontier_weight": [0.82, 0.72],
}
keys = list(grid)
for combo in itertools.product(*grid.values()):
    args = []
    for k, v in zip(keys, combo): args += ["--set", f"{k}={v}"]
    out = subprocess.run(["./target/release/regsim", "calibrate", "--replicates", "32", *args], capture_output=True, text=True).stdout
    rows = [l for l in out.splitlines() if l.startswith("| ") and not l.startswith("| target")]
    vals = [re.split(r"\s*\|\s*", r)[4].split(" ")[0] for r in rows]
    met = sum(1 for r in rows if r.rstrip().endswith("yes |"))
    print(met, " ".join(f"{k.split('.')[-1]}={v}" for k, v in zip(keys, combo)), "|", " ".join(vals), flush=True)
