"""regsim's sensitivity indices against SALib's on the very same samples.

Run by ./build.sh test with the project's Python environment (.venv, SALib and EMA Workbench
pinned in tools/python-requirements.txt):

    .venv/bin/python tests/salib/compare.py target/release/regsim

1. Ishigami on a Saltelli design that regsim writes (`regsim design`): regsim's Sobol' indices
   (`regsim sensitivity` on rows in regsim's format) equal SALib's `sobol.analyze` on the same
   outputs, and both are near the analytic ones.
2. The model itself, a Morris screening and a Sobol' design over four uncertain parameters:
   `regsim sweep`, then `regsim sensitivity`, against SALib's `morris.analyze` and
   `sobol.analyze` reading regsim's `problem.json`, `design.txt` and the per-point means.

Point estimates must agree to 1e-9; bootstrap intervals use different random resamples, so they
only have to agree within a factor of 1.5.
"""

import json
import math
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from SALib.analyze import morris as salib_morris
from SALib.analyze import sobol as salib_sobol

REGSIM = str(Path(sys.argv[1] if len(sys.argv) > 1 else "target/release/regsim").resolve())
failures = []


def run(*args):
    out = subprocess.run([REGSIM, *args], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"regsim {' '.join(args)} failed: {out.stderr.strip()}")
    return out.stdout


def close(name, ours, theirs, rtol=1e-9, atol=1e-12):
    ours, theirs = np.asarray(ours, float), np.asarray(theirs, float)
    if not np.allclose(ours, theirs, rtol=rtol, atol=atol, equal_nan=True):
        failures.append(f"{name}: regsim {ours} against {theirs}")
    else:
        print(f"ok  {name}: agree ({ours.size} values)")


def same_scale(name, ours, theirs, factor=1.5):
    ours, theirs = np.asarray(ours, float), np.asarray(theirs, float)
    ratio = ours / np.where(theirs == 0, np.nan, theirs)
    bad = [r for r in ratio if not math.isnan(r) and not (1 / factor <= r <= factor)]
    if bad:
        failures.append(f"{name}: intervals differ by more than {factor}x: regsim {ours}, SALib {theirs}")
    else:
        print(f"ok  {name}: intervals of the same size")


def indices(results, experiment, column):
    text = run("sensitivity", str(results), "--experiment", str(experiment), "--summary", column, "--format", "json", "--resamples", "1000")
    return json.loads(text)[column]["indices"]


def ishigami(x, a=7.0, b=0.1):
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


with tempfile.TemporaryDirectory() as tmp:
    tmp = Path(tmp)

    # 1. Ishigami, carried by three parameters whose ranges include [-pi, pi].
    paths = ["market.xi_open", "market.xi_api", "market.xi_outside_api"]
    exp = tmp / "ishigami.json"
    exp.write_text(json.dumps({
        "replicates": 1, "quarters": 4, "seed": 7,
        "design": {"kind": "sobol", "samples": 8192},
        "factors": [{"path": p, "min": -math.pi, "max": math.pi} for p in paths],
        "summaries": [{"metric": "hhi", "name": "value"}],
    }))
    run("design", str(exp), "--out", str(tmp / "ishigami"))
    problem = json.loads((tmp / "ishigami" / "problem.json").read_text())
    x = np.loadtxt(tmp / "ishigami" / "design.txt")
    y = ishigami(x)
    rows = pd.DataFrame(x, columns=paths)
    rows.insert(0, "replicate", 0)
    rows.insert(0, "point", np.arange(len(x)))
    rows["value"] = y
    rows.to_csv(tmp / "ishigami.csv", index=False, float_format="%.17g")
    ours = indices(tmp / "ishigami.csv", exp, "value")
    assert ours["method"] == "sobol", ours
    theirs = salib_sobol.analyze(problem, y, calc_second_order=False, num_resamples=1000, seed=1)
    close("Ishigami S1", [f["s1"] for f in ours["factors"]], theirs["S1"])
    close("Ishigami ST", [f["st"] for f in ours["factors"]], theirs["ST"])
    same_scale("Ishigami S1 intervals", [f["s1_conf"] for f in ours["factors"]], theirs["S1_conf"])
    v1, v2, v13 = 0.5 * (1 + 0.1 * math.pi**4 / 5) ** 2, 49 / 8, 0.01 * math.pi**8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    close("Ishigami S1 against the analytic values", [f["s1"] for f in ours["factors"]], [v1 / v, v2 / v, 0.0], rtol=0, atol=0.03)
    close("Ishigami ST against the analytic values", [f["st"] for f in ours["factors"]], [(v1 + v13) / v, v2 / v, v13 / v], rtol=0, atol=0.03)

    # 2. The model: four uncertain parameters, open use in the third year.
    factors = [
        {"path": "market.nest_lambda", "min": 0.4, "max": 0.8},
        {"path": "market.xi_open", "min": -4.5, "max": -0.2},
        {"path": "market.serving_cost", "min": 0.5, "max": 0.8},
        {"path": "firms.open_reputation", "min": 0.0, "max": 1.0},
    ]
    summary = [{"metric": "open_share_usage", "from": 2027, "to": 2027, "name": "open_use"}]
    for kind, design in [("morris", {"kind": "morris", "trajectories": 12, "levels": 4}), ("sobol", {"kind": "sobol", "samples": 48})]:
        exp = tmp / f"{kind}.json"
        exp.write_text(json.dumps({"replicates": 2, "quarters": 12, "seed": 3, "design": design, "factors": factors, "summaries": summary}))
        run("sweep", str(exp), "--out", str(tmp / f"{kind}.csv"))
        run("design", str(exp), "--out", str(tmp / kind))
        problem = json.loads((tmp / kind / "problem.json").read_text())
        x = np.loadtxt(tmp / kind / "design.txt")
        means = pd.read_csv(tmp / f"{kind}.csv").groupby("point")["open_use"].mean().to_numpy()
        ours = indices(tmp / f"{kind}.csv", exp, "open_use")
        if kind == "morris":
            theirs = salib_morris.analyze(problem, x, means, num_levels=4, num_resamples=1000, seed=1)
            for key, salib_key in [("mu", "mu"), ("mu_star", "mu_star"), ("sigma", "sigma")]:
                close(f"model Morris {key}", [f[key] for f in ours["factors"]], theirs[salib_key])
            same_scale("model Morris mu_star intervals", [f["mu_star_conf"] for f in ours["factors"]], theirs["mu_star_conf"])
        else:
            theirs = salib_sobol.analyze(problem, means, calc_second_order=False, num_resamples=1000, seed=1)
            close("model Sobol' S1", [f["s1"] for f in ours["factors"]], theirs["S1"])
            close("model Sobol' ST", [f["st"] for f in ours["factors"]], theirs["ST"])
            same_scale("model Sobol' ST intervals", [f["st_conf"] for f in ours["factors"]], theirs["ST_conf"], factor=2.0)

if failures:
    print("\n".join(["FAILED"] + failures), file=sys.stderr)
    sys.exit(1)
print("regsim and SALib agree")
