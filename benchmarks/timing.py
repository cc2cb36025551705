"""Timing helpers for the benchmarks."""

from __future__ import annotations

import time
from collections.abc import Callable


def best_of(function: Callable[[], object], repeats: int) -> float:
    """The shortest wall time, in seconds, of ``repeats`` calls of ``function`` (the
    least disturbed by other work on the machine)."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def once(function: Callable[[], object]) -> tuple[float, object]:
    """Wall time, in seconds, of one call, and its result."""
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def milliseconds(seconds: float) -> str:
    return f"{seconds * 1e3:,.1f} ms"
