"""Run one large simulation in a fresh process and print how much its peak RSS grew.

``python -m benchmarks.memory_probe TRIALS`` prints JSON with:

* ``hwm_delta_mb``: Linux ``VmHWM`` (peak resident set size of this process image, from
  ``/proc/self/status``) after the run minus ``VmRSS`` before it; the peak is reset with
  ``/proc/self/clear_refs`` after the imports and a small warm-up run, so only the run
  itself counts. ``null`` where /proc is unavailable.
* ``maxrss_delta_mb``: ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` after minus before.
  Linux carries ru_maxrss over ``exec`` from the parent that spawned the process, so when
  the parent is larger than this process this under-reads (often 0) - reported for
  completeness only.
"""

from __future__ import annotations

import json
import resource
import sys
from pathlib import Path

from benchmarks.schedules import costs, realistic_drivers
from calculators.simulation import simulate

STATUS = Path("/proc/self/status")


def _status_kib(field: str) -> int | None:
    try:
        for line in STATUS.read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def main() -> None:
    trials = int(sys.argv[1])
    drivers = realistic_drivers(20)
    simulate(drivers, costs(5), 0.08, 2_000, seed=1)
    reset = _reset_peak()
    rss_before = _status_kib("VmRSS")
    maxrss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    simulate(drivers, costs(5), 0.08, trials, seed=1)
    maxrss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    hwm_after = _status_kib("VmHWM")
    hwm_delta = (
        (hwm_after - rss_before) / 1024
        if reset and rss_before is not None and hwm_after is not None
        else None
    )
    print(
        json.dumps(
            {
                "hwm_delta_mb": hwm_delta,
                "maxrss_delta_mb": (maxrss_after - maxrss_before) / 1024,
                "rss_before_mb": None if rss_before is None else rss_before / 1024,
            }
        )
    )


if __name__ == "__main__":
    main()
