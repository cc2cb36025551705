"""Tests for calculators.sensitivity: tornado charts."""

import math

import numpy as np
import pytest

from calculators.errors import NonFiniteError, OutOfRangeError
from calculators.sensitivity import TornadoBar, driver_tornado, tornado
from calculators.simulation import Driver, deterministic_flows


def profit(inputs):
    """price x volume - fixed cost."""
    return inputs["price"] * inputs["volume"] - inputs["fixed"]


LIKELY = {"price": 10.0, "volume": 1000.0, "fixed": 2000.0}


def test_tornado_worked_by_hand():
    bars = tornado(
        profit,
        LIKELY,
        {"price": (8.0, 13.0), "volume": (900.0, 1100.0), "fixed": (1500.0, 3500.0)},
    )
    # base 8,000; price: 6,000 .. 11,000 (swing 5,000); volume: 7,000 .. 9,000 (2,000);
    # fixed: 8,500 .. 6,500 (2,000) - the tie is broken by name
    assert bars == [
        TornadoBar("price", 8.0, 13.0, 6000.0, 11000.0, 8000.0, 5000.0),
        TornadoBar("fixed", 1500.0, 3500.0, 8500.0, 6500.0, 8000.0, 2000.0),
        TornadoBar("volume", 900.0, 1100.0, 7000.0, 9000.0, 8000.0, 2000.0),
    ]


def test_tornado_only_varies_the_inputs_in_ranges_and_gives_each_call_a_fresh_dict():
    calls = []

    def model(inputs):
        calls.append(dict(inputs))
        inputs["price"] = -1.0  # a careless model must not leak into the next call
        return profit({**LIKELY, **calls[-1]})

    bars = tornado(model, LIKELY, {"volume": (0.0, 2000.0)})
    assert len(calls) == 3
    assert calls[0] == LIKELY
    assert {c["volume"] for c in calls[1:]} == {0.0, 2000.0}
    assert all(c["price"] == 10.0 for c in calls)
    assert bars[0].swing == 20000.0


def test_tornado_range_for_an_unknown_input_names_the_key():
    with pytest.raises(OutOfRangeError) as caught:
        tornado(profit, LIKELY, {"tax": (0.1, 0.2)})
    assert caught.value.argument == "ranges[tax]"


@pytest.mark.parametrize(
    ("bounds", "error"),
    [
        ((3.0, 2.0), OutOfRangeError),
        ((1.0,), OutOfRangeError),
        ((float("nan"), 2.0), NonFiniteError),
    ],
)
def test_tornado_rejects_bad_ranges(bounds, error):
    with pytest.raises(error) as caught:
        tornado(profit, LIKELY, {"price": bounds})
    assert caught.value.argument == "ranges[price]"


def test_tornado_rejects_a_model_returning_nan():
    with pytest.raises(NonFiniteError) as caught:
        tornado(lambda inputs: math.nan, LIKELY, {"price": (1.0, 2.0)})
    assert caught.value.argument == "model"


COSTS = [1000.0, 50.0, 50.0, 50.0, 50.0]
RATE = 0.1


def drivers():
    return [
        Driver("throughput", 200, 300, 450, probability=0.8, ramp_periods=2),
        Driver("scrap", 40, 60, 70, delay_high=2),
        Driver("release", 100, 500, 600, kind="one_off", start_period=2),
        Driver("licence", -30, -20, -20),
    ]


def npv_of(flows):
    return float(np.sum(flows / (1 + RATE) ** np.arange(len(flows))))


def test_driver_tornado_matches_the_generic_tornado_on_the_expected_npv():
    items = drivers()

    def model(amounts):
        flows = -np.array(COSTS)
        for d in items:
            single = Driver(
                d.name,
                amounts[d.name],
                amounts[d.name],
                amounts[d.name],
                kind=d.kind,
                start_period=d.start_period,
                ramp_periods=d.ramp_periods,
            )
            flows = flows + d.probability * deterministic_flows([single], len(COSTS) - 1)
        return npv_of(flows)

    generic = tornado(
        model, {d.name: d.likely for d in items}, {d.name: (d.low, d.high) for d in items}
    )
    fast = driver_tornado(items, COSTS, RATE)
    assert [b.name for b in fast] == [b.name for b in generic]
    for a, b in zip(fast, generic, strict=True):
        assert a.low_input == b.low_input
        assert a.high_input == b.high_input
        assert a.output_at_low == pytest.approx(b.output_at_low, rel=1e-12)
        assert a.output_at_high == pytest.approx(b.output_at_high, rel=1e-12)
        assert a.base_output == pytest.approx(b.base_output, rel=1e-12)
        assert a.swing == pytest.approx(b.swing, rel=1e-9)


def test_driver_tornado_base_is_the_expected_npv_without_delay():
    items = drivers()
    expected = npv_of(
        sum(d.probability * deterministic_flows([d], 4) for d in items) - np.array(COSTS)
    )
    bars = driver_tornado(items, COSTS, RATE)
    assert all(bar.base_output == pytest.approx(expected, rel=1e-12) for bar in bars)
    assert [b.swing for b in bars] == sorted((b.swing for b in bars), reverse=True)
    # a zero-width driver (licence's high == likely) still swings on its low side
    licence = next(b for b in bars if b.name == "licence")
    assert licence.output_at_high == pytest.approx(expected, rel=1e-12)


def test_driver_tornado_rejects_duplicate_names_and_bad_rate():
    with pytest.raises(OutOfRangeError) as caught:
        driver_tornado([drivers()[0], drivers()[0]], COSTS, RATE)
    assert caught.value.argument == "drivers[1].name"
    with pytest.raises(OutOfRangeError) as caught:
        driver_tornado(drivers(), COSTS, -1)
    assert caught.value.argument == "rate"


def test_driver_tornado_of_no_drivers_is_empty():
    assert driver_tornado([], COSTS, RATE) == []
