"""The sweep runner's benchmark (part of ./build.sh bench): throughput on two threads against one,
and resident memory from 1,000 to 100,000 rows.

    python3 benches/sweep.py [path/to/regsim]

Throughput: one experiment of 64 points x 8 paired replicates x 40 quarters, timed three times
with --threads 1 and three times with --threads 2 (the median of each). Memory: the peak resident
set of `regsim sweep` writing 1,000, 10,000 and 100,000 rows of one-quarter runs to a file.
Prints a Markdown table; the README's Performance section quotes it.
"""

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REGSIM = str(Path(sys.argv[1] if len(sys.argv) > 1 else "target/release/regsim").resolve())


def experiment(path, samples, replicates, quarters):
    path.write_text(
        f"""reform = "sb1047"
replicates = {replicates}
quarters = {quarters}
[design]
kind = "lhs"
samples = {samples}
[[factors]]
path = "market.nest_lambda"
min = 0.4
max = 0.8
[[factors]]
path = "market.xi_open"
min = -4.5
max = -0.2
[[summaries]]
metric = "hhi"
[[summaries]]
metric = "open_share_usage"
stat = "final"
"""
    )


def timed(args):
    start = time.perf_counter()
    subprocess.run([REGSIM, *args], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def peak_rss_kib(args):
    """Peak resident set of one child, measured in a fresh child of our own (so earlier children
    do not count)."""
    code = (
        "import resource, subprocess, sys; "
        "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", code, REGSIM, *args], check=True, capture_output=True, text=True)
    return int(out.stdout.strip())


with tempfile.TemporaryDirectory() as tmp:
    tmp = Path(tmp)
    exp = tmp / "throughput.toml"
    experiment(exp, 64, 8, 40)
    runs = 64 * 8 * 2
    one = statistics.median(timed(["sweep", str(exp), "--threads", "1"]) for _ in range(3))
    two = statistics.median(timed(["sweep", str(exp), "--threads", "2"]) for _ in range(3))
    print(f"load average before the memory runs: {os.getloadavg()[0]:.2f}")
    rows = []
    for n in [1_000, 10_000, 100_000]:
        e = tmp / f"memory-{n}.toml"
        experiment(e, n, 1, 1)
        out = tmp / f"memory-{n}.csv"
        rss = peak_rss_kib(["sweep", str(e), "--out", str(out)])
        lines = sum(1 for _ in out.open()) - 1
        rows.append((lines, rss))
    print()
    print("| measure | figure | target |")
    print("|---|---|---|")
    print(f"| sweep throughput, 1 thread ({runs} runs of 40 quarters) | {runs / one:.0f} runs/s ({one:.2f} s) | |")
    print(f"| sweep throughput, 2 threads | {runs / two:.0f} runs/s ({two:.2f} s): {one / two:.2f}x one thread | >= 1.8x: {'met' if one / two >= 1.8 else 'not met'} |")
    for lines, rss in rows:
        print(f"| peak resident memory, {lines:,} rows | {rss / 1024:.1f} MB | |")
    ratio = rows[-1][1] / rows[0][1]
    print(f"| memory, 100,000 rows against 1,000 | {ratio:.2f}x | flat: {'met' if ratio < 1.25 else 'not met'} |")
