"""``python -m benchmarks``: run the three benchmarks and print a summary table."""

from __future__ import annotations

import os
import platform
import sys
import time

import numpy as np

from benchmarks import irr, monte_carlo, renders, tornado


def main() -> None:
    if sys.argv[1:] == ["renders"]:  # only the job-queue benchmark
        renders.run()
        return
    started = time.perf_counter()
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"valueframe benchmarks - Python {platform.python_version()}, numpy "
        f"{np.__version__}, {os.cpu_count()} CPUs ({platform.machine()}), load average "
        f"{load} at start; wall-clock times on a shared machine: ratios are measured side "
        "by side in this run"
    )
    irr_figures = irr.run()
    mc_figures = monte_carlo.run()
    tornado_figures = tornado.run()
    render_figures = renders.run()

    rows = [
        ("batch IRR, 100k x 10", f"{irr_figures['batch_seconds'] * 1e3:,.0f} ms", "", ""),
        (
            "  numpy-financial loop" + (" (scaled)" if irr_figures["npf_scaled"] else ""),
            f"{irr_figures['npf_seconds'] * 1e3:,.0f} ms",
            f"{irr_figures['npf_ratio']:,.0f}x",
            ">= 100x",
        ),
        (
            "  pyxirr loop",
            f"{irr_figures['pyxirr_seconds'] * 1e3:,.0f} ms",
            f"{irr_figures['pyxirr_ratio']:.1f}x",
            "> 1x",
        ),
        ("  max |diff| vs npf", f"{irr_figures['npf_max_difference']:.1e}", "", "<= 1e-9"),
        ("  same 'no IRR' rows", "yes" if irr_figures["same_none"] else "NO", "", "yes"),
        (
            "Monte Carlo 100k x 20 x 5",
            f"{mc_figures['realistic_seconds'] * 1e3:,.0f} ms",
            f"{mc_figures['ratio']:.1f}x pass",
            "<= 10x",
        ),
        (
            "  worst-case drivers",
            f"{mc_figures['worst_seconds'] * 1e3:,.0f} ms",
            f"{mc_figures['worst_ratio']:.1f}x pass",
            "",
        ),
        ("  one numpy pass", f"{mc_figures['pass_seconds'] * 1e3:,.1f} ms", "", ""),
        ("  1M trials, one run", f"{mc_figures['big_seconds'] * 1e3:,.0f} ms", "", ""),
        ("  1M trials peak (RSS)", f"{mc_figures['rss_mb']:,.0f} MB", "", "< 300 MB"),
        ("  1M trials peak (tracemalloc)", f"{mc_figures['traced_mb']:,.0f} MB", "", "< 300 MB"),
        ("tornado, 20 drivers", f"{tornado_figures['driver_seconds'] * 1e3:,.2f} ms", "", ""),
        ("  generic, 20 inputs", f"{tornado_figures['generic_seconds'] * 1e3:,.2f} ms", "", ""),
    ]
    if not render_figures.get("skipped"):
        rows.append(("proposals/s, 1 worker", f"{render_figures[1]['per_second']:.2f}", "", ""))
        rows.append(
            (
                "  2 workers",
                f"{render_figures[2]['per_second']:.2f}",
                f"{render_figures['ratio']:.2f}x",
                "",
            )
        )
    print("\nSummary")
    print(f"{'measure':<32} {'figure':>12} {'ratio':>14} {'target':>10}")
    for name, figure, ratio, target in rows:
        print(f"{name:<32} {figure:>12} {ratio:>14} {target:>10}")
    print(f"\ntotal benchmark time: {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
