"""Benchmark 2: Monte Carlo time against one numpy pass, and peak memory of 1M trials."""

from __future__ import annotations

import json
import subprocess
import sys
import tracemalloc

import numpy as np

from benchmarks.schedules import costs, realistic_drivers, worst_case_drivers
from benchmarks.timing import best_of, milliseconds, once
from calculators.simulation import simulate

TRIALS = 100_000
DRIVERS = 20
PERIODS = 5
BIG_TRIALS = 1_000_000


def run() -> dict:
    print(
        f"\n[2] Monte Carlo: {TRIALS:,} trials x {DRIVERS} drivers x {PERIODS} periods (+ period 0)"
    )
    cost = costs(PERIODS)
    realistic = realistic_drivers(DRIVERS)
    worst = worst_case_drivers(DRIVERS)
    simulate(realistic, cost, 0.08, 2_000, seed=1)  # warm-up
    realistic_seconds = best_of(lambda: simulate(realistic, cost, 0.08, TRIALS, seed=1), 5)
    worst_seconds = best_of(lambda: simulate(worst, cost, 0.08, TRIALS, seed=1), 5)

    rng = np.random.default_rng(0)
    a = rng.random((TRIALS, DRIVERS, PERIODS))
    b = rng.random((TRIALS, DRIVERS, PERIODS))
    pass_seconds = best_of(lambda: a * 1.0001 + b, 5)
    sum_seconds = best_of(lambda: a.sum(), 5)
    print(f"    simulate, realistic mix (best of 5):   {milliseconds(realistic_seconds)}")
    print(
        f"    simulate, worst case (every driver PERT, uncertain, delayed; best of 5): "
        f"{milliseconds(worst_seconds)}"
    )
    print(
        f"    one numpy pass `a * 1.0001 + b` over {TRIALS:,} x {DRIVERS} x {PERIODS} "
        f"float64 (best of 5): {milliseconds(pass_seconds)};  `a.sum()`: "
        f"{milliseconds(sum_seconds)}"
    )
    ratio = realistic_seconds / pass_seconds
    worst_ratio = worst_seconds / pass_seconds
    print(
        f"    => simulate / one pass = {ratio:.1f}x (realistic), {worst_ratio:.1f}x (worst "
        f"case);  against `a.sum()`: {realistic_seconds / sum_seconds:.0f}x / "
        f"{worst_seconds / sum_seconds:.0f}x"
    )

    big_seconds, _ = once(lambda: simulate(realistic, cost, 0.08, BIG_TRIALS, seed=1))
    print(
        f"    simulate, {BIG_TRIALS:,} trials, realistic mix (one run): {milliseconds(big_seconds)}"
    )
    probe = _probe()
    tracemalloc.start()
    baseline, _ = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    simulate(realistic, cost, 0.08, BIG_TRIALS, seed=1)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    traced_mb = (peak - baseline) / 2**20
    rss_mb = probe["hwm_delta_mb"]
    rss_text = (
        f"{rss_mb:.0f} MB by peak RSS (fresh subprocess: /proc/self/status VmHWM after the run "
        f"minus VmRSS before it, peak reset via /proc/self/clear_refs after imports and a "
        f"warm-up; ru_maxrss delta there: {probe['maxrss_delta_mb']:.0f} MB)"
        if rss_mb is not None
        else f"{probe['maxrss_delta_mb']:.0f} MB by ru_maxrss delta in a fresh subprocess"
    )
    print(
        f"    peak memory of a {BIG_TRIALS:,}-trial run (realistic mix, default chunk "
        f"50,000): {rss_text}; {traced_mb:.0f} MB by tracemalloc (peak of traced "
        f"allocations, numpy buffers included, in this process)"
    )
    if rss_mb is None:
        rss_mb = probe["maxrss_delta_mb"]
    return {
        "realistic_seconds": realistic_seconds,
        "worst_seconds": worst_seconds,
        "pass_seconds": pass_seconds,
        "ratio": ratio,
        "worst_ratio": worst_ratio,
        "rss_mb": rss_mb,
        "big_seconds": big_seconds,
        "traced_mb": traced_mb,
    }


def _probe() -> dict:
    output = subprocess.run(
        [sys.executable, "-m", "benchmarks.memory_probe", str(BIG_TRIALS)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output)
