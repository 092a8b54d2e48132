"""Run the worked examples of the docs as written: every fenced block that follows a line
`<!-- example: NAME -->`, in order, in one temporary folder, shell blocks with bash and `regsim`
on the PATH, Python blocks with the given interpreter (the project's .venv, with SALib and EMA
Workbench). A block that fails fails the run.

    python3 tests/docs/run_examples.py target/release/regsim .venv/bin/python docs/analysis.md ...
"""

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

regsim, python, *docs = sys.argv[1:]
regsim_dir = str(Path(regsim).resolve().parent)
env = dict(os.environ, PATH=regsim_dir + os.pathsep + os.environ["PATH"], MPLBACKEND="Agg", PYTHONWARNINGS="ignore")
block = re.compile(r"<!-- example: ([\w-]+) -->\s*```(\w+)\n(.*?)```", re.S)
failed = 0
for doc in docs:
    text = Path(doc).read_text()
    examples = block.findall(text)
    if not examples:
        print(f"{doc}: no examples found", file=sys.stderr)
        sys.exit(1)
    with tempfile.TemporaryDirectory() as tmp:
        for name, lang, code in examples:
            cmd = ["bash", "-euo", "pipefail", "-c", code] if lang == "sh" else [os.path.abspath(python), "-c", code]
            out = subprocess.run(cmd, cwd=tmp, env=env, capture_output=True, text=True)
            status = "ok" if out.returncode == 0 else "FAILED"
            print(f"{status}  {doc}: example {name} ({lang})")
            if out.returncode != 0:
                failed += 1
                print(out.stdout[-2000:], out.stderr[-3000:], sep="\n", file=sys.stderr)
sys.exit(1 if failed else 0)
