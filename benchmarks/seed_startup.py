"""Wall time of a clean build of the bundled (seed) archive, interpreter start included.

    python benchmarks/seed_startup.py [--runs 9] [--src DIR ...]

Runs `python -m annotarium build --clean -q --output DIR` (search on) and the same with
`--no-search`, --runs times each (after one warm-up build of each, not counted), each into
a fresh, empty DIR, from a folder that is not an archive (so the bundled one is built), and
prints the median and min–max of each. With `--src` (a checkout's `src` folder, given once
per version to compare), each version is run with PYTHONPATH set to it, the versions and
the two modes taking turns so that a noisy machine slows all alike; without it, the
annotarium on the current PYTHONPATH (or installed) is measured.

Wall time is `time.perf_counter` around the whole child process, so start-up and imports
count; CPU time is user + system of the child and of every process it waited for
(Pagefind's), steadier than wall time on a shared machine.

With `--bytecode`, each version's modules are compiled first (`compileall`) into a
bytecode folder in the benchmark's temporary folder, used through PYTHONPYCACHEPREFIX, as
an installed Annotarium's are (`pip install` compiles them): without it, where
PYTHONDONTWRITEBYTECODE is set (as on the development machine), every run compiles a
checkout's modules from source, which costs 50-90 ms. The checkout is not touched.
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

MODES = {"search": (), "--no-search": ("--no-search",)}
# a build, then every module it imported compiled to where Python looks for its bytecode
_COMPILE = """
import importlib.util, py_compile, runpy, sys
sys.argv = ["annotarium", "build", "--clean", "-q", "--output", sys.argv[1]]
try:
    runpy.run_module("annotarium", run_name="__main__", alter_sys=True)
except SystemExit:
    pass
for module in list(sys.modules.values()):
    path = getattr(module, "__file__", None)
    if path and path.endswith(".py"):
        py_compile.compile(path, cfile=importlib.util.cache_from_source(path), doraise=False)
"""


def timed_build(scratch: Path, src: str | None, extra: tuple[str, ...],
                bytecode: Path | None = None) -> tuple[float, float]:
    """One clean build of the bundled archive into an empty folder: wall and CPU seconds."""
    output = scratch / "site"
    shutil.rmtree(output, ignore_errors=True)
    env = dict(os.environ, PYTHONPATH=src) if src else dict(os.environ)
    if bytecode is not None:
        env["PYTHONPYCACHEPREFIX"] = str(bytecode)
    command = [sys.executable, "-m", "annotarium", "build", "--clean", "-q",
               "--output", str(output), *extra]  # fmt: skip
    before = os.times()
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=scratch, env=env)
    wall = time.perf_counter() - started
    after = os.times()
    cpu = (after.children_user - before.children_user
           + after.children_system - before.children_system)
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--src", action="append", default=[], metavar="DIR",
                        help="a version's src folder (repeat to compare versions)")
    parser.add_argument("--bytecode", action="store_true",
                        help="run with compiled modules, as installed (see above)")
    args = parser.parse_args()
    versions: list[str | None] = [str(Path(s).resolve()) for s in args.src] or [None]
    times: dict[tuple[str | None, str], list[tuple[float, float]]] = {
        (v, mode): [] for v in versions for mode in MODES}
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        bytecode: dict[str | None, Path | None] = dict.fromkeys(versions)
        if args.bytecode:
            for i, version in enumerate(versions):
                bytecode[version] = prefix = scratch / f"bytecode{i}"
                env = dict(os.environ, PYTHONPYCACHEPREFIX=str(prefix))
                if version:
                    env["PYTHONPATH"] = version
                # every module a build imports, the standard library's too: with a prefix
                # set, Python looks for all bytecode there
                subprocess.run([sys.executable, "-c", _COMPILE, str(scratch / "site")],
                               check=True, env=env, cwd=scratch)
        for run in range(args.runs + 1):
            for version in versions:
                for mode, extra in MODES.items():
                    measured = timed_build(scratch, version, extra, bytecode[version])
                    if run:  # the first round warms the OS file cache
                        times[(version, mode)].append(measured)
    for (version, mode), runs in times.items():
        wall, cpu = [w for w, _ in runs], [c for _, c in runs]
        print(f"{version or 'current':<40} {mode:<12} "
              f"{'bytecode ' if args.bytecode else ''}wall median {statistics.median(wall):.3f} s"
              f" ({min(wall):.3f}–{max(wall):.3f}), CPU median {statistics.median(cpu):.3f} s "
              f"({min(cpu):.3f}–{max(cpu):.3f}), {len(runs)} runs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
