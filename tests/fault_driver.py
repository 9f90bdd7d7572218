"""Kill builds with SIGKILL at random moments and check what they leave (not a test module).

    python tests/fault_driver.py ARCHIVE WORKDIR --trials 200 --seed 1 --report report.json

Used by tests/test_faults.py. The archive is switched between two states, A
(as given) and B (an actor's description, an event's title and an article's
summary changed), whose clean builds are the two known-good sites. Each trial writes
one state, forks a build (clean or incremental; in a quarter of the trials with
the atomic directory exchange disabled, so the two-rename fallback and
``recover`` are exercised too), and SIGKILLs its process group after a random
delay drawn from the whole length of a build. Then:

- the output directory must be exactly site A or site B (every file but the
  cache compared by content), and its cache must be readable;
- the next build, run to the end, must succeed and give exactly the clean site
  of the current state, and leave nothing beside the output directory.

The driver forks from a process that has already imported Annotarium, so a
trial costs a build, not an interpreter start. It prints a JSON report.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import random
import shutil
import signal
import sys
import time
from pathlib import Path

from annotarium import __version__, cache, write
from annotarium.pipeline import build_site


def site_digest(root: Path) -> str | None:
    """A digest of every file of a site except the cache; None if there is no site."""
    if not root.is_dir():
        return None
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.name != cache.CACHE_FILE:
            digest.update(str(path.relative_to(root)).encode() + b"\0")
            digest.update(hashlib.blake2b(path.read_bytes(), digest_size=16).digest())
    return digest.hexdigest()


class States:
    """The two states of the archive, written on demand (only the files that differ)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.actors = root / "content" / "actors.yaml"
        self.events = root / "content" / "events.yaml"
        self.edited = sorted((root / "content" / "articles").glob("*.yaml"))[0]
        self.a = {p: p.read_bytes() for p in (self.actors, self.events, self.edited)}
        actors = self.a[self.actors].decode()
        start = actors.index("description: ") + len("description: ")
        end = actors.index("\n", start)
        self.b = {
            self.actors: (actors[:start] + "Edited in state B." + actors[end:]).encode(),
            self.events: self.a[self.events].replace(b'title: "', b'title: "Renamed ', 1),
            self.edited: self.a[self.edited].replace(b'summary: "', b'summary: "State B. ', 1),
        }
        assert all(self.a[p] != self.b[p] for p in self.a)

    def write(self, which: str) -> None:
        for path, content in (self.a if which == "A" else self.b).items():
            if path.read_bytes() != content:
                path.write_bytes(content)


def build_in_child(root: Path, output: Path, clean: bool, fallback: bool) -> int:
    pid = os.fork()
    if pid == 0:  # the child: build, then leave without running any cleanup
        try:
            os.setpgid(0, 0)
            if fallback:
                write._exchange = lambda first, second: False  # type: ignore[assignment]
            result = build_site(root, output, clean=clean)
            os._exit(0 if result.output is not None else 1)
        except BaseException:
            os._exit(2)
    # Both sides set the group, so it exists however soon the parent kills it.
    with contextlib.suppress(PermissionError, ProcessLookupError):
        os.setpgid(pid, pid)
    return pid


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("archive", type=Path)
    parser.add_argument("work", type=Path)
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--report", type=Path, required=True)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    root = args.archive.resolve()
    work = args.work.resolve()
    states = States(root)

    known: dict[str, str] = {}
    durations: dict[str, float] = {}
    for which in ("A", "B"):
        states.write(which)
        reference = work / f"clean-{which}"
        started = time.perf_counter()
        if build_site(root, reference, clean=True).output is None:
            raise SystemExit(f"state {which} does not build")
        durations[which] = time.perf_counter() - started
        known[which] = site_digest(reference) or ""
        shutil.rmtree(reference)
    assert known["A"] != known["B"]
    output = work / "site"
    states.write("A")
    build_site(root, output, clean=True)
    states.write("B")
    started = time.perf_counter()
    build_site(root, output)
    durations["incremental"] = time.perf_counter() - started
    durations["clean"] = max(durations.pop("A"), durations.pop("B"))
    current = "B"
    slowdown = 1.0
    report: dict[str, object] = {
        "trials": 0,
        "killed": 0,
        "finished_before_kill": 0,
        "fallback_swaps": 0,
        "clean_builds": 0,
        "left_old": 0,
        "left_new": 0,
        "recovered_by_next_build": 0,
        "next_builds_checked": 0,
        "failures": [],
        "build_seconds": durations,
    }
    failures: list[str] = report["failures"]  # type: ignore[assignment]
    started = time.perf_counter()
    for trial in range(args.trials):
        target = "B" if current == "A" else "A"
        states.write(target)
        clean = rng.random() < 0.3
        fallback = rng.random() < 0.25
        # the machine may be busier than when the builds were timed: scale by what the
        # last complete builds took, so that kills keep landing on both sides of the swap
        delay = rng.uniform(0, durations["clean" if clean else "incremental"] * slowdown * 1.1)
        pid = build_in_child(root, output, clean, fallback)
        time.sleep(delay)
        finished, status = os.waitpid(pid, os.WNOHANG)
        if finished:
            report["finished_before_kill"] += 1  # type: ignore[operator]
            if os.waitstatus_to_exitcode(status) != 0:
                failures.append(f"trial {trial}: the build failed on its own")
        else:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)  # the build and any workers it forked
            os.waitpid(pid, 0)
            report["killed"] += 1  # type: ignore[operator]
        report["trials"] += 1  # type: ignore[operator]
        report["clean_builds"] += clean  # type: ignore[operator]
        report["fallback_swaps"] += fallback  # type: ignore[operator]

        left = site_digest(output)
        if left is None:
            # only possible between the fallback's two renames: the next build recovers it
            write.recover(output)
            left = site_digest(output)
            report["recovered_by_next_build"] += 1  # type: ignore[operator]
        if left == known[current]:
            report["left_old"] += 1  # type: ignore[operator]
        elif left == known[target]:
            report["left_new"] += 1  # type: ignore[operator]
        else:
            failures.append(f"trial {trial}: the output is neither site {current} nor {target}")
        if cache.read_cache(output, __version__) is None:
            failures.append(f"trial {trial}: the cache left in the output is unreadable")

        began = time.perf_counter()
        result = build_site(root, output)  # the next build, to the end
        if result.check is not None:  # a real build, not "nothing changed"
            taken = (time.perf_counter() - began) / durations["incremental"]
            slowdown = max(1.0, 0.7 * slowdown + 0.3 * taken)
        report["next_builds_checked"] += 1  # type: ignore[operator]
        if result.output is None or site_digest(output) != known[target]:
            failures.append(f"trial {trial}: the next build does not equal a clean build")
        beside = sorted(p.name for p in work.iterdir())
        if beside != ["site"]:
            failures.append(f"trial {trial}: left beside the output: {beside}")
        current = target
    report["seconds"] = round(time.perf_counter() - started, 1)
    args.report.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(json.dumps(report, indent=2))
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
