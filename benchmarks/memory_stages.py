"""The main process's memory at each stage of one clean build.

    python benchmarks/memory_stages.py ARCHIVE OUTPUT [--search]

Runs ``build_site`` (a clean build, without search unless ``--search``) in this process
with a progress callback that prints, as each stage starts, the seconds since the start,
the resident set (VmRSS) and its high-water mark so far (``ru_maxrss``), in MiB. Forked
workers are not counted (``/usr/bin/time -f %M`` around ``annotarium build`` gives the
largest of them and the main process). See "Peak memory" in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

from annotarium.pipeline import build_site


def resident() -> int:
    """VmRSS of this process, in MiB."""
    with Path("/proc/self/status").open(encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) // 1024
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("archive", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--search", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()

    def progress(stage: str) -> None:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        print(f"{time.perf_counter() - started:7.2f} s  rss {resident():5d} MiB  "
              f"high-water {peak:5d} MiB  {stage}", flush=True)

    result = build_site(args.archive, args.output, clean=True, progress=progress,
                        search=args.search)
    progress("done")
    print({stage: round(seconds, 2) for stage, seconds in result.stage_seconds.items()})


if __name__ == "__main__":
    main()
