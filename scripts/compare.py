#!/usr/bin/env python3
"""Development aid: paired differences at the horizon for a comparison. Usage: compare.py BASE REFORM [cli args]"""
import json, subprocess, sys, math
base, reform, *args = sys.argv[1:]
out = subprocess.run(["./target/release/regsim", "compare", "--baseline", base, "--reform", reform, "--replicates", "64", *args], capture_output=True, text=True)
if out.returncode: print(out.stderr); sys.exit(1)
r = json.loads(out.stdout)
names = ["hhi", "n_developers", "open_share_models", "open_share_usage", "liability_paid_usd", "compliance_spend_usd", "bunching", "safety_large", "safety_small", "covered_models", "entries", "exits", "n_derivatives", "incidents", "harm_usd", "frontier_capability", "open_lag_quarters", "consumer_surplus"]
def avg(xs):
    xs = [x for x in xs if x is not None]
    return sum(xs) / len(xs) if xs else float("nan")
print("%-22s %12s %12s %12s   (means over the last 8 quarters; diff p5..p95 at horizon)" % ("metric", "baseline", "reform", "diff"))
for n in names:
    b = avg(r["baseline"]["metrics"][n]["mean"][-8:]); f = avg(r["reform"]["metrics"][n]["mean"][-8:]); d = avg(r["difference"]["metrics"][n]["mean"][-8:])
    dd = r["difference"]["metrics"][n]
    print("%-22s %12.4g %12.4g %12.4g   [%s .. %s]" % (n, b, f, d, dd["p5"][-1], dd["p95"][-1]))
