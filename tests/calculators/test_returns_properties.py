"""Property tests (hypothesis) for calculators.returns."""

import contextlib
import datetime
import itertools
import math
from decimal import Decimal, localcontext

import numpy_financial as npf
import pyxirr
from hypothesis import given, settings
from hypothesis import strategies as st

from calculators.errors import CalculatorError
from calculators.returns import (
    discounted_payback_period,
    irr,
    mirr,
    npv,
    npv_excel,
    payback_period,
    roi,
    xirr,
    xnpv,
)

D = Decimal
SETTINGS = settings(max_examples=200, deadline=None)

amount = st.decimals(
    min_value=-(10**6), max_value=10**6, places=2, allow_nan=False, allow_infinity=False
)
flows = st.lists(amount, min_size=1, max_size=10)
investment = st.tuples(
    st.decimals(min_value=1, max_value=10**6, places=2),
    st.lists(amount, min_size=1, max_size=9),
).map(lambda t: [-t[0], *t[1]])
rates = st.decimals(
    min_value=D("-0.95"), max_value=D(5), places=4, allow_nan=False, allow_infinity=False
)
any_number = st.one_of(
    st.decimals(min_value=-(10**9), max_value=10**9, allow_nan=False, allow_infinity=False),
    st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False),
    st.integers(min_value=-(10**9), max_value=10**9),
)


@st.composite
def dated_flows(draw):
    cf = draw(st.lists(amount, min_size=1, max_size=8))
    day = st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2040, 12, 31))
    dates = sorted(draw(st.lists(day, min_size=len(cf), max_size=len(cf))))
    return cf, dates


def sign_changes(values):
    signs = [v > 0 for v in values if v != 0]
    return sum(a != b for a, b in itertools.pairwise(signs))


def discounted_scale(rate, cf):
    with localcontext(prec=34):
        return sum((abs(c) / (1 + rate) ** t for t, c in enumerate(cf)), D(0))


@SETTINGS
@given(cf=st.one_of(flows, investment))
def test_npv_is_zero_at_every_irr_root(cf):
    result = irr(cf)
    assert result.status in ("unique", "none", "multiple")
    assert list(result.roots) == sorted(result.roots)
    assert all(r > -1 for r in result.roots)
    assert (result.status == "unique") == (len(result.roots) == 1)
    assert (result.status == "multiple") == (len(result.roots) > 1)
    assert result.rate == (result.roots[0] if result.status == "unique" else None)
    assert result.message
    for r in result.roots:
        assert abs(npv(r, cf)) <= D("1e-8") * discounted_scale(r, cf)
    # Descartes' rule of signs in x = 1 / (1 + r): one sign change, exactly one root; no
    # more distinct roots than sign changes.
    changes = sign_changes(cf)
    assert len(result.roots) <= changes
    if changes == 1:
        assert result.status == "unique"
    if result.status == "multiple":
        assert changes >= 2


@SETTINGS
@given(cf=investment)
def test_irr_contains_numpy_financials_choice(cf):
    result = irr(cf)
    reference = npf.irr([float(c) for c in cf])
    if not math.isnan(reference):
        assert any(abs(float(r) - reference) <= 1e-6 * (1 + abs(reference)) for r in result.roots)


@SETTINGS
@given(rate=rates, cf=flows)
def test_npv_agrees_with_numpy_financial_and_excel(rate, cf):
    result = npv(rate, cf)
    reference = npf.npv(float(rate), [float(c) for c in cf])
    assert math.isclose(float(result), reference, rel_tol=1e-9, abs_tol=1e-9 * (1 + abs(reference)))
    with localcontext(prec=34):
        assert abs(npv_excel(rate, cf) - result / (1 + rate)) <= D("1e-25") * (1 + abs(result))


@SETTINGS
@given(cf=flows, finance=rates, reinvest=rates)
def test_mirr_agrees_with_numpy_financial(cf, finance, reinvest):
    result = mirr(cf, finance, reinvest)
    reference = npf.mirr([float(c) for c in cf], float(finance), float(reinvest))
    if result is None:
        assert math.isnan(reference)
    else:
        assert math.isclose(float(result), reference, rel_tol=1e-9, abs_tol=1e-12)


@SETTINGS
@given(cf=st.one_of(flows, investment))
def test_payback_exists_iff_the_final_cumulative_is_non_negative(cf):
    result = payback_period(cf)
    assert (result is not None) == (sum(cf) >= 0)
    if result is not None:
        assert 0 <= result <= len(cf) - 1
        if all(sum(cf[: t + 1]) >= 0 for t in range(len(cf))):
            assert result == 0


@SETTINGS
@given(rate=rates, cf=st.one_of(flows, investment))
def test_discounted_payback_exists_iff_npv_is_non_negative(rate, cf):
    result = discounted_payback_period(rate, cf)
    assert (result is not None) == (npv(rate, cf) >= 0)
    if result is not None:
        assert 0 <= result <= len(cf) - 1


@SETTINGS
@given(data=dated_flows(), rate=rates)
def test_xnpv_agrees_with_pyxirr(data, rate):
    cf, dates = data
    result = xnpv(rate, cf, dates)
    reference = pyxirr.xnpv(float(rate), dates, [float(c) for c in cf])
    scale = float(sum(abs(c) for c in cf))
    assert math.isclose(float(result), reference, rel_tol=1e-9, abs_tol=1e-9 * (1 + scale))


@SETTINGS
@given(data=dated_flows())
def test_xnpv_is_zero_at_the_xirr(data):
    cf, dates = data
    result = xirr(cf, dates)
    if result is None:
        return
    assert D("-0.9999") <= result <= D(10_000)
    with localcontext(prec=34):
        scale = sum(
            (
                abs(c) / (1 + result) ** (D((d - dates[0]).days) / 365)
                for c, d in zip(cf, dates, strict=True)
            ),
            D(0),
        )
    assert abs(xnpv(result, cf, dates)) <= D("1e-8") * scale


@SETTINGS
@given(
    a=any_number,
    values=st.lists(any_number, min_size=1, max_size=6),
    more=st.lists(any_number, min_size=0, max_size=6),
    day_offsets=st.lists(st.integers(min_value=-100, max_value=20_000), min_size=1, max_size=6),
)
def test_no_exception_but_calculator_errors_for_finite_input(a, values, more, day_offsets):
    start = datetime.date(2020, 1, 1)
    dates = [start + datetime.timedelta(days=d) for d in day_offsets]
    calls = [
        lambda: roi(values, more),
        lambda: npv(a, values),
        lambda: npv_excel(a, values),
        lambda: irr(values),
        lambda: mirr(values, a, a),
        lambda: payback_period(values),
        lambda: discounted_payback_period(a, values),
        lambda: xnpv(a, values, dates),
        lambda: xirr(values, dates),
        lambda: xirr(values, sorted(dates), guess=a),
    ]
    for call in calls:
        with contextlib.suppress(CalculatorError):
            call()
