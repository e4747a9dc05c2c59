"""Peak resident memory of the current process, for the benchmark scripts' child processes."""
from __future__ import annotations

import sys
from pathlib import Path


def peak_rss_mib() -> float:
    """This process's peak RSS in MiB. Read from /proc (VmHWM, reset when the process execs) where it exists:
    getrusage's ru_maxrss keeps the high-water mark of the process before exec, so a child started right
    after its parent checked 20,000 documents reported the parent's 338 MiB instead of its own ~204 MiB
    (bench_crossdoc, twenty-second session)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    try:
        import resource   # not on Windows
    except ImportError:
        return float("nan")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss   # KiB on Linux, bytes on macOS
    return round(peak / (2**20 if sys.platform == "darwin" else 1024), 1)
