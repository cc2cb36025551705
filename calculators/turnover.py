"""Turnover, days outstanding, the cash conversion cycle and released working capital.

Conventions (domain.md, "Financial conventions"):

- Flows (revenue, COGS) are annual amounts; balances (inventory, receivables, payables,
  cash) are *average* balances over the same year, in the same currency.
- Inventory turnover = COGS / average inventory; DIO = day_count x inventory / COGS.
  Receivables turnover = revenue / average receivables; DSO = day_count x receivables /
  revenue. Payables turnover = COGS / average payables; DPO = day_count x payables / COGS.
  Cash conversion cycle (CCC) = DIO + DSO - DPO (days; may be negative).
  Cash turnover = revenue / average cash.
- The day-count basis (360 or 365) is an input. Turnover is "times per year", days are
  days, released working capital is money.
- Released working capital = days saved x the AFTER period's daily base (COGS / day_count
  for inventory and payables, revenue / day_count for receivables). Positive = cash freed.
- Its yearly value is one of two things, never both at once in one NPV:
  :func:`carrying_cost_saving` - the recurring non-capital cost of holding inventory
  (storage, obsolescence, insurance) that disappears with it - may be added to the one-off
  release; :func:`capital_charge` - release x cost of capital - is an ALTERNATIVE view of the
  one-off release itself (its perpetuity capital_charge / cost_of_capital equals the
  release), so an NPV counts either the release as a one-off cash flow or the capital
  charge every year, never both.

All arithmetic is exact Decimal arithmetic in a local context of 34 significant digits.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, localcontext

from calculators._inputs import Number, non_negative, positive, probability, to_decimal
from calculators._inputs import day_count as check_day_count
from calculators.errors import CalculatorError

PRECISION = 34


def _amount(value: Number, argument: str) -> Decimal:
    return non_negative(to_decimal(value, argument), argument)


@dataclass(frozen=True)
class WorkingCapital:
    """One period's annual flows and average balances (all non-negative money)."""

    revenue: Decimal
    cogs: Decimal
    inventory: Decimal
    receivables: Decimal
    payables: Decimal
    cash: Decimal | None = None


def working_capital(
    revenue: Number,
    cogs: Number,
    inventory: Number,
    receivables: Number,
    payables: Number,
    cash: Number | None = None,
) -> WorkingCapital:
    """Coerce and validate one period: every amount must be finite and >= 0.

    revenue and cogs are annual flows; inventory, receivables, payables and cash are
    average balances. cash is optional (None: no cash turnover is computed).
    """
    return WorkingCapital(
        revenue=_amount(revenue, "revenue"),
        cogs=_amount(cogs, "cogs"),
        inventory=_amount(inventory, "inventory"),
        receivables=_amount(receivables, "receivables"),
        payables=_amount(payables, "payables"),
        cash=None if cash is None else _amount(cash, "cash"),
    )


def average_balance(opening: Number, closing: Number) -> Decimal:
    """Average balance = (opening + closing) / 2, money; both balances must be >= 0."""
    o, c = _amount(opening, "opening"), _amount(closing, "closing")
    with localcontext(prec=PRECISION):
        return (o + c) / 2


def _turnover(flow: Number, flow_name: str, balance: Number, balance_name: str) -> Decimal:
    f = _amount(flow, flow_name)
    b = positive(_amount(balance, balance_name), balance_name)
    with localcontext(prec=PRECISION):
        return f / b


def _days(balance: Number, balance_name: str, base: Number, base_name: str, days: int) -> Decimal:
    days = check_day_count(days)
    b = _amount(balance, balance_name)
    f = positive(_amount(base, base_name), base_name)
    with localcontext(prec=PRECISION):
        return days * b / f


def inventory_turnover(cogs: Number, average_inventory: Number) -> Decimal:
    """Inventory turnover = COGS / average inventory, times per year.

    average_inventory must be > 0 (OutOfRangeError naming it otherwise).
    """
    return _turnover(cogs, "cogs", average_inventory, "average_inventory")


def days_inventory_outstanding(
    cogs: Number, average_inventory: Number, day_count: int = 365
) -> Decimal:
    """DIO = day_count x average inventory / COGS, days (= day_count / inventory turnover).

    cogs must be > 0; day_count is 360 or 365.
    """
    return _days(average_inventory, "average_inventory", cogs, "cogs", day_count)


def receivables_turnover(revenue: Number, average_receivables: Number) -> Decimal:
    """Receivables turnover = revenue / average receivables, times per year.

    average_receivables must be > 0.
    """
    return _turnover(revenue, "revenue", average_receivables, "average_receivables")


def days_sales_outstanding(
    revenue: Number, average_receivables: Number, day_count: int = 365
) -> Decimal:
    """DSO = day_count x average receivables / revenue, days.

    revenue must be > 0; day_count is 360 or 365.
    """
    return _days(average_receivables, "average_receivables", revenue, "revenue", day_count)


def payables_turnover(cogs: Number, average_payables: Number) -> Decimal:
    """Payables turnover = COGS / average payables, times per year.

    average_payables must be > 0.
    """
    return _turnover(cogs, "cogs", average_payables, "average_payables")


def days_payables_outstanding(
    cogs: Number, average_payables: Number, day_count: int = 365
) -> Decimal:
    """DPO = day_count x average payables / COGS, days.

    cogs must be > 0; day_count is 360 or 365.
    """
    return _days(average_payables, "average_payables", cogs, "cogs", day_count)


def cash_conversion_cycle(dio: Number, dso: Number, dpo: Number) -> Decimal:
    """CCC = DIO + DSO - DPO, days. Inputs are >= 0; the result may be negative (the
    business is paid by its customers before it pays its suppliers)."""
    i, s, p = _amount(dio, "dio"), _amount(dso, "dso"), _amount(dpo, "dpo")
    with localcontext(prec=PRECISION):
        return i + s - p


def cash_turnover(revenue: Number, average_cash: Number) -> Decimal:
    """Cash turnover = revenue / average cash, times per year. average_cash must be > 0."""
    return _turnover(revenue, "revenue", average_cash, "average_cash")


@dataclass(frozen=True)
class TurnoverProfile:
    """Turnover (times per year) and days for one period.

    A turnover is None when its average balance is zero (turnover would be infinite; its
    days are then 0). cash_turnover is also None when no cash balance was given.
    """

    inventory_turnover: Decimal | None
    dio: Decimal
    receivables_turnover: Decimal | None
    dso: Decimal
    payables_turnover: Decimal | None
    dpo: Decimal
    ccc: Decimal
    cash_turnover: Decimal | None
    day_count: int


def _validated(wc: WorkingCapital) -> WorkingCapital:
    return working_capital(wc.revenue, wc.cogs, wc.inventory, wc.receivables, wc.payables, wc.cash)


def turnover_profile(wc: WorkingCapital, day_count: int = 365) -> TurnoverProfile:
    """All turnover ratios, days and the CCC of one period (conventions: module docstring).

    wc.cogs and wc.revenue must be > 0 (they are the bases of the days; OutOfRangeError
    naming 'cogs' or 'revenue'). A zero balance gives zero days and a None turnover.
    """
    check_day_count(day_count)
    wc = _validated(wc)
    dio = days_inventory_outstanding(wc.cogs, wc.inventory, day_count)
    dso = days_sales_outstanding(wc.revenue, wc.receivables, day_count)
    dpo = days_payables_outstanding(wc.cogs, wc.payables, day_count)
    return TurnoverProfile(
        inventory_turnover=inventory_turnover(wc.cogs, wc.inventory) if wc.inventory else None,
        dio=dio,
        receivables_turnover=(
            receivables_turnover(wc.revenue, wc.receivables) if wc.receivables else None
        ),
        dso=dso,
        payables_turnover=payables_turnover(wc.cogs, wc.payables) if wc.payables else None,
        dpo=dpo,
        ccc=cash_conversion_cycle(dio, dso, dpo),
        cash_turnover=cash_turnover(wc.revenue, wc.cash) if wc.cash else None,
        day_count=day_count,
    )


@dataclass(frozen=True)
class WorkingCapitalRelease:
    """Days saved and the working capital they release (money; positive = cash freed)."""

    before: TurnoverProfile
    after: TurnoverProfile
    dio_saved: Decimal
    dso_saved: Decimal
    dpo_gained: Decimal
    ccc_saved: Decimal
    inventory_release: Decimal
    receivables_release: Decimal
    payables_release: Decimal
    total_release: Decimal


def _checked(wc: WorkingCapital, day_count: int, which: str):
    """(validated period, its profile); errors name 'before.<field>' or 'after.<field>'."""
    try:
        return _validated(wc), turnover_profile(wc, day_count)
    except CalculatorError as error:
        raise type(error)(f"{which}.{error.argument}", error.message) from None


def working_capital_release(
    before: WorkingCapital, after: WorkingCapital, day_count: int = 365
) -> WorkingCapitalRelease:
    """Working capital released by moving from ``before`` to ``after``.

    Days: dio_saved = DIO_before - DIO_after, dso_saved = DSO_before - DSO_after,
    dpo_gained = DPO_after - DPO_before, ccc_saved = CCC_before - CCC_after
    (= dio_saved + dso_saved + dpo_gained).

    Money, each term on its own base and on the AFTER period's daily base:
    inventory_release = dio_saved x after.cogs / day_count,
    receivables_release = dso_saved x after.revenue / day_count,
    payables_release = dpo_gained x after.cogs / day_count, total = their sum.
    Positive = cash freed, negative = cash absorbed.

    Why the after-period base: the release is the balance the after period would carry at
    the old days minus the balance it carries at the new days. A pure volume change (revenue
    and receivables both doubling, days unchanged) therefore releases nothing - growth is
    not counted as a saving or a loss - and with unchanged revenue/COGS the release equals
    the fall in the balance exactly. The terms are computed in the algebraically equal form
    balance_before x (base_after / base_before) - balance_after, so that identity holds
    exactly in Decimal, without rounding through the days.
    """
    check_day_count(day_count)
    before, b = _checked(before, day_count, "before")
    after, a = _checked(after, day_count, "after")
    with localcontext(prec=PRECISION):
        cogs_ratio = after.cogs / before.cogs
        revenue_ratio = after.revenue / before.revenue
        inventory_release = before.inventory * cogs_ratio - after.inventory
        receivables_release = before.receivables * revenue_ratio - after.receivables
        payables_release = after.payables - before.payables * cogs_ratio
        return WorkingCapitalRelease(
            before=b,
            after=a,
            dio_saved=b.dio - a.dio,
            dso_saved=b.dso - a.dso,
            dpo_gained=a.dpo - b.dpo,
            ccc_saved=b.ccc - a.ccc,
            inventory_release=inventory_release,
            receivables_release=receivables_release,
            payables_release=payables_release,
            total_release=inventory_release + receivables_release + payables_release,
        )


def release_from_days(days_saved: Number, annual_base: Number, day_count: int = 365) -> Decimal:
    """Working capital released by saving days = days_saved x annual_base / day_count, money.

    annual_base is the flow the days are counted on (COGS for inventory and payables -
    days of payables GAINED - and revenue for receivables), >= 0; negative days give a
    negative release (cash absorbed). One-off, not per year.
    """
    days = to_decimal(days_saved, "days_saved")
    base = _amount(annual_base, "annual_base")
    check_day_count(day_count)
    with localcontext(prec=PRECISION):
        return days * base / day_count


def carrying_cost_saving(inventory_release: Number, carrying_cost_rate: Number) -> Decimal:
    """Yearly carrying cost saved = inventory release x carrying cost rate, money per year.

    The rate (a fraction per year, 0..1) covers the recurring NON-capital cost of holding
    inventory - storage, obsolescence, insurance, handling - so this saving may be counted
    every year alongside the one-off release. Do not include the cost of capital in the
    rate: that is :func:`capital_charge`, an alternative view of the release itself.
    A negative release (inventory grew) gives a negative saving (a cost).
    """
    release = to_decimal(inventory_release, "inventory_release")
    r = probability(to_decimal(carrying_cost_rate, "carrying_cost_rate"), "carrying_cost_rate")
    with localcontext(prec=PRECISION):
        return release * r


def capital_charge(release: Number, cost_of_capital: Number) -> Decimal:
    """Yearly capital charge = release x cost of capital, money per year (rate >= 0).

    This is an ALTERNATIVE view of the one-off release, not an extra benefit: the perpetuity
    of the charge, capital_charge / cost_of_capital, equals the release, and discounted at
    the cost of capital k a charge received from t=2 onward is worth release / (1 + k) at
    t=0 - exactly the value of the release received once at t=1. An NPV therefore counts
    either the one-off release as a cash flow or the capital charge every year, never both
    (counting both doubles the value).
    """
    r = to_decimal(release, "release")
    k = non_negative(to_decimal(cost_of_capital, "cost_of_capital"), "cost_of_capital")
    with localcontext(prec=PRECISION):
        return r * k
