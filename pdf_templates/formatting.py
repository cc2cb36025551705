"""Figures as text, for one locale: Babel formats numbers, money, percentages and dates.

A figure is first rounded by the evaluation's own rule
(:func:`valueframe.evaluation_schema.rounded`: money to 0.01, years and days to 0.01,
ratios and rates to 0.000001, half-even) and only then formatted, so the document shows the
same number the API returns. Tables show money exact to the currency's minor unit;
headlines may add a compact form (ten-thousands and hundred-millions in Chinese, K/M/B in
English) beside it. A figure
that does not exist (no IRR, never pays back, ROI without costs) is a word from the
translation table, never a zero or a blank.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import (
    format_compact_currency,
    format_currency,
    format_decimal,
    format_percent,
)

from valueframe.evaluation_schema import rounded
from valueframe.i18n import t


def babel_locale(locale: str) -> str:
    return "zh_CN" if locale == "zh-CN" else "en"


def _positive_zero(value: Decimal) -> Decimal:
    return abs(value) if value == 0 else value


class Formatter:
    """Formats figures for one document: its locale and the case's currency."""

    def __init__(self, locale: str, currency: str):
        self.locale = locale
        self.currency = currency
        self.babel = babel_locale(locale)

    def word(self, key: str) -> str:
        return t(f"doc.word.{key}", self.locale)

    def _rounded(self, value: Decimal, unit: str) -> Decimal:
        return _positive_zero(Decimal(rounded(value, unit)))

    # -- money ----------------------------------------------------------------------------

    def money(self, value: Decimal | None, none: str = "none") -> str:
        """Exact to the currency's minor unit (tables, and beside every headline)."""
        if value is None:
            return self.word(none)
        return format_currency(self._rounded(value, "money"), self.currency, locale=self.babel)

    def money_compact(self, value: Decimal | None, none: str = "none") -> str:
        """A headline amount in the locale's compact form ($28.1M in English)."""
        if value is None:
            return self.word(none)
        amount = self._rounded(value, "money")
        threshold = 10_000 if self.locale == "zh-CN" else 1_000
        if abs(amount) < threshold:
            return self.money(amount)
        return format_compact_currency(
            amount, self.currency, locale=self.babel, fraction_digits=1
        ).replace("\xa0", " ")

    # -- ratios and rates -----------------------------------------------------------------

    def percent(self, value: Decimal | None, digits: int = 1, none: str = "none") -> str:
        """A ratio (ROI, probability, attainment) or a rate as a percentage."""
        if value is None:
            return self.word(none)
        pattern = "#,##0%" if digits == 0 else "#,##0." + "0" * digits + "%"
        return format_percent(self._rounded(value, "ratio"), pattern, locale=self.babel)

    def rate(self, value: Decimal | None, none: str = "none") -> str:
        """An input rate shown as precisely as it was given (8%, 7.25%), up to 4 places."""
        if value is None:
            return self.word(none)
        return format_percent(self._rounded(value, "rate"), "#,##0.####%", locale=self.babel)

    # -- quantities -----------------------------------------------------------------------

    def number(self, value: Decimal | None, places: int = 2, none: str = "none") -> str:
        if value is None:
            return self.word(none)
        pattern = "#,##0" if places == 0 else "#,##0." + "#" * places
        return format_decimal(_positive_zero(Decimal(value)), pattern, locale=self.babel)

    def fixed(self, value: Decimal | None, places: int = 2, none: str = "none") -> str:
        if value is None:
            return self.word(none)
        pattern = "#,##0" if places == 0 else "#,##0." + "0" * places
        return format_decimal(_positive_zero(Decimal(value)), pattern, locale=self.babel)

    def years(self, value: Decimal | None, none: str = "never") -> str:
        if value is None:
            return self.word(none)
        number = self.fixed(self._rounded(value, "years"), 2)
        return t("doc.unit.years", self.locale, n=number)

    def days(self, value: Decimal | None, none: str = "none") -> str:
        if value is None:
            return self.word(none)
        return t("doc.unit.days", self.locale, n=self.fixed(self._rounded(value, "days"), 1))

    def times(self, value: Decimal | None, none: str = "none") -> str:
        if value is None:
            return self.word(none)
        return t("doc.unit.times", self.locale, n=self.fixed(self._rounded(value, "times"), 2))

    def quantity(self, value: Decimal | None, unit: str = "", none: str = "none") -> str:
        """A goal or indicator quantity with its (user-given) unit."""
        if value is None:
            return self.word(none)
        number = self.number(self._rounded(Decimal(value), "goal_unit"), 4)
        return f"{number} {unit}".strip()

    def decimal_text(self, value: str | None, unit: str = "") -> str:
        """A quantity carried as a decimal string (indicator baselines and targets)."""
        if value is None or value == "":
            return self.word("none")
        try:
            return self.quantity(Decimal(value), unit)
        except ArithmeticError:
            return f"{value} {unit}".strip()

    def date(self, value: dt.date | None, none: str = "none") -> str:
        if value is None:
            return self.word(none)
        return format_date(value, "long", locale=self.babel)

    def period_date(self, value: dt.date | None) -> str:
        if value is None:
            return ""
        return format_date(value, "yyyy-MM", locale=self.babel)

    # -- by figure unit -------------------------------------------------------------------

    def figure(self, value: Decimal | None, unit: str) -> str:
        """A :class:`~valueframe.evaluation.Figure` value by its unit."""
        if unit == "money":
            return self.money(value)
        if unit in ("ratio", "rate"):
            return self.percent(value)
        if unit == "years":
            return self.years(value)
        if unit == "days":
            return self.days(value)
        if unit == "times":
            return self.times(value)
        return self.number(value, 4)
