"""Benchmark 1: batch IRR versus per-row loops of numpy-financial and pyxirr."""

from __future__ import annotations

import numpy as np
import numpy_financial as npf
import pyxirr

from benchmarks.schedules import realistic_schedules
from benchmarks.timing import best_of, milliseconds, once
from calculators.batch import (
    IRR_MULTIPLE,
    IRR_NONE,
    IRR_UNIQUE,
    _isolate,
    _several_changes_rates,
    batch_irr,
)

ROWS = 100_000
PERIODS = 10
NPF_BUDGET_SECONDS = 60.0
NPF_PROBE_ROWS = 2_000
NPF_SUBSET_ROWS = 10_000


def _npf_loop(flows: np.ndarray) -> np.ndarray:
    return np.array([npf.irr(row) for row in flows])


def _pyxirr_loop(flows: np.ndarray) -> np.ndarray:
    out = [pyxirr.irr(row, silent=True) for row in flows]
    return np.array([np.nan if value is None else value for value in out], dtype=float)


def run() -> dict:
    flows = realistic_schedules(ROWS, PERIODS, seed=2024)
    print(f"\n[1] IRR of {ROWS:,} schedules x {PERIODS} periods (+ the investment at t=0)")

    batch_irr(flows[:1000])  # warm-up
    batch_seconds = best_of(lambda: batch_irr(flows), repeats=5)
    result = batch_irr(flows)
    counts = {
        name: int(np.sum(result.status == code))
        for name, code in (("unique", IRR_UNIQUE), ("none", IRR_NONE), ("multiple", IRR_MULTIPLE))
    }
    multiple_rows = flows[result.status == IRR_MULTIPLE]
    several_seconds = best_of(lambda: _several_changes_rates(multiple_rows, 1e-12, 100), 3)
    columns = np.ascontiguousarray(multiple_rows.T)
    provable = _isolate(columns / np.max(np.abs(columns), axis=0))[0]
    print(
        f"    rows: {counts['unique']:,} one sign change, {counts['none']:,} none, "
        f"{counts['multiple']:,} several"
    )
    print(f"    batch_irr (best of 5):            {milliseconds(batch_seconds)}")
    print(
        f"      of which the {counts['multiple']:,} rows with several sign changes: "
        f"{milliseconds(several_seconds)} ({int(provable.sum()):,} isolated by Descartes' rule "
        f"and solved by Newton, {int((~provable).sum()):,} by companion-matrix eigenvalues)"
    )

    pyxirr_seconds = best_of(lambda: _pyxirr_loop(flows), repeats=3)
    pyxirr_rates = _pyxirr_loop(flows)
    print(f"    loop of pyxirr.irr (best of 3):   {milliseconds(pyxirr_seconds)}")

    probe_seconds, _ = once(lambda: _npf_loop(flows[:NPF_PROBE_ROWS]))
    projected = probe_seconds * ROWS / NPF_PROBE_ROWS
    if projected > NPF_BUDGET_SECONDS:
        subset = NPF_SUBSET_ROWS
        subset_seconds, npf_rates = once(lambda: _npf_loop(flows[:subset]))
        npf_seconds = subset_seconds * ROWS / subset
        npf_note = (
            f"timed on the first {subset:,} rows ({milliseconds(subset_seconds)}) and "
            f"scaled x{ROWS // subset} (a full run was projected at {projected:.0f} s)"
        )
    else:
        subset = ROWS
        npf_seconds, npf_rates = once(lambda: _npf_loop(flows))
        npf_note = "all rows, one run"
    print(f"    loop of numpy_financial.irr:      {milliseconds(npf_seconds)}  ({npf_note})")

    ours = result.rates[:subset]
    both = ~np.isnan(ours) & ~np.isnan(npf_rates)
    npf_max = float(np.max(np.abs(ours[both] - npf_rates[both])))
    same_none = bool(np.array_equal(np.isnan(ours), np.isnan(npf_rates)))
    unique = result.status == IRR_UNIQUE
    both_x = unique & ~np.isnan(pyxirr_rates) & ~np.isnan(result.rates)
    pyxirr_max = float(np.max(np.abs(result.rates[both_x] - pyxirr_rates[both_x])))
    pyxirr_none_rows = np.isnan(pyxirr_rates)
    multiple = result.status == IRR_MULTIPLE
    pyxirr_other_root = int(
        np.sum(
            multiple
            & ~pyxirr_none_rows
            & ~np.isnan(result.rates)
            & (np.abs(result.rates - np.nan_to_num(pyxirr_rates)) > 1e-9)
        )
    )
    print(
        f"    agreement with numpy-financial ({subset:,} rows): max |difference| = "
        f"{npf_max:.2e} on {int(both.sum()):,} rows where both found an IRR; "
        f"'no IRR' rows identical: {'yes' if same_none else 'NO'} "
        f"({int(np.isnan(ours).sum()):,} rows)"
    )
    print(
        f"    agreement with pyxirr on one-sign-change rows: max |difference| = "
        f"{pyxirr_max:.2e}; pyxirr 'no IRR' rows: {int(pyxirr_none_rows.sum()):,}; "
        f"rows with several sign changes where pyxirr chose another root: "
        f"{pyxirr_other_root:,}"
    )
    npf_ratio = npf_seconds / batch_seconds
    pyxirr_ratio = pyxirr_seconds / batch_seconds
    print(
        f"    => batch is {npf_ratio:,.0f}x faster than numpy-financial, "
        f"{pyxirr_ratio:.1f}x faster than the pyxirr loop"
    )
    return {
        "batch_seconds": batch_seconds,
        "pyxirr_seconds": pyxirr_seconds,
        "npf_seconds": npf_seconds,
        "npf_scaled": subset != ROWS,
        "npf_ratio": npf_ratio,
        "pyxirr_ratio": pyxirr_ratio,
        "npf_max_difference": npf_max,
        "same_none": same_none,
    }
