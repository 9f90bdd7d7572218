"""Run ``annotarium build`` in this one process, for profilers.

    python -m pyinstrument -r text benchmarks/serial_build.py --source DIR --output OUT -q

Annotarium renders (and loads) large archives in forked worker processes, whose time a profiler
of the main process sees only as waiting. It does not fork while another thread runs (see
annotarium/parallel.py), so this script parks one idle thread and then runs the ordinary
command line: same work, one process, all of it visible to the profiler. The arguments are
those of ``annotarium build``.
"""

from __future__ import annotations

import runpy
import sys
import threading

if __name__ == "__main__":
    threading.Thread(target=threading.Event().wait, daemon=True).start()
    sys.argv = ["annotarium", "build", *sys.argv[1:]]
    runpy.run_module("annotarium", run_name="__main__", alter_sys=True)
