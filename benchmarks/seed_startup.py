"""Wall time of a clean build of the bundled (seed) archive, interpreter start included.

    python benchmarks/seed_startup.py [--runs 9]

Runs `python -m annotarium build --clean -q --output DIR` (search on) and the same with
`--no-search`, alternating, --runs times each (after one warm-up build of each), each into a
fresh, empty DIR, from a folder that is not an archive (so the bundled one is built). Prints
the median and min–max of each. Wall time is `time.perf_counter` around the whole child
process, so start-up and imports count; CPU time is user + system of the child and of every
process it waited for (Pagefind's), steadier than wall time on a shared machine. The
annotarium measured is the one on PYTHONPATH (or installed).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def timed_build(scratch: Path, search: bool) -> tuple[float, float]:
    """One clean build of the bundled archive into an empty folder: wall and CPU seconds."""
    output = scratch / "site"
    shutil.rmtree(output, ignore_errors=True)
    command = [sys.executable, "-m", "annotarium", "build", "--clean", "-q",
               "--output", str(output)]  # fmt: skip
    if not search:
        command.append("--no-search")
    before = os.times()
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=scratch)
    wall = time.perf_counter() - started
    after = os.times()
    cpu = (after.children_user - before.children_user
           + after.children_system - before.children_system)
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    times: dict[str, list[tuple[float, float]]] = {"search": [], "--no-search": []}
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        timed_build(scratch, True)  # warm the OS file cache; not counted
        timed_build(scratch, False)
        for _ in range(args.runs):
            times["search"].append(timed_build(scratch, True))
            times["--no-search"].append(timed_build(scratch, False))
    for label, runs in times.items():
        wall, cpu = [w for w, _ in runs], [c for _, c in runs]
        print(f"{label:<12} wall median {statistics.median(wall):.3f} s "
              f"({min(wall):.3f}–{max(wall):.3f}), CPU median {statistics.median(cpu):.3f} s "
              f"({min(cpu):.3f}–{max(cpu):.3f}), {len(runs)} runs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
