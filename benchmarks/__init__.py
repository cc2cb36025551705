"""Benchmarks of the vectorised calculators: ``python -m benchmarks``.

Each benchmark times the calculator and its reference side by side in one run and prints
the measured figures and their ratios; nothing here asserts on time (the machine is shared
and timings vary). Timings are the best of several repeats unless stated otherwise.
"""
