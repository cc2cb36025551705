"""The realization report: what the customer has realized of the value the frame committed.

Read after the sale by the customer's executive sponsor, the beneficiary departments and
the account team. Sections: cover; a one-page summary the sponsor can forward; plan against
actual, value by value (the indicator as planned, measured and re-forecast; the money
expected against realized); the value across the horizon (benefits per period, returns to
date and re-forecast); the strategic goal's progress; the 3x3 grid with the key issues
relieved and not relieved; the signals (behind, ahead - where the next frame starts -,
missing actuals); the method and the measurements used.

Every figure is the :class:`~valueframe.realization.Realization`'s (and the baselined
evaluation's), formatted for the locale; nothing is recomputed. Messages the realization
wrote in the case's language (signals, conventions) are written again from their parts in
the document's language.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from decimal import Decimal

from reportlab.graphics.shapes import Drawing, Line, PolyLine, Rect
from reportlab.lib import colors
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Table, TableStyle

from pdf_templates import charts, fonts
from pdf_templates.base import Renderer, priority
from pdf_templates.charts import _box, _legend, _Plot, _string, _value_axis, compact, nice_ticks
from pdf_templates.errors import EvaluationMismatch
from pdf_templates.proposal import _Proposal
from pdf_templates.styles import CHART, Theme, para, tint
from valueframe.evaluation import Evaluation
from valueframe.model import ValueCase
from valueframe.realization import Realization, ValueRealization, conventions

TABLE_PERIODS = 12  # rows of a value's period table past which later periods are left out
TOTALS_ORDER = (
    "realized_to_date",
    "expected_to_date",
    "realization_rate",
    "cash_released_to_date",
    "costs_to_date",
    "npv_to_date",
    "expected_npv_to_date",
    "roi_to_date",
    "expected_roi_to_date",
    "reforecast_benefits",
    "reforecast_npv",
    "plan_npv",
    "reforecast_roi",
    "plan_roi",
)
STATUS_COLOUR = {
    "ahead": "positive",
    "on_plan": "primary",
    "behind": "negative",
    "pending": "faint",
    "unmeasurable": "warning",
}
RELIEF_COLOUR = {
    "relieved": "positive",
    "not_relieved": "negative",
    "pending": "faint",
    "unlinked": "warning",
}


def render_realization(
    case: ValueCase,
    evaluation: Evaluation,
    realization: Realization,
    locale: str | None = None,
    *,
    on: dt.date | None = None,
) -> bytes:
    """The realization report PDF of ``case`` (bytes).

    ``case`` is the baselined version, ``evaluation`` its ``evaluate(case)`` and
    ``realization`` its ``realize(case, evaluation, actuals, as_of)``; ``locale`` defaults
    to the case's, ``on`` is the date on the cover (default today). Raises the
    :class:`~pdf_templates.errors.RenderError` subclasses of the other documents
    (``EvaluationMismatch`` also when the realization is of other inputs).
    """
    return _Report(case, evaluation, realization, locale, on).render()


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    return dt.date(day.year + month // 12, month % 12 + 1, 1)


class _Report(Renderer):
    kind = "realization"
    _tiles = _Proposal._tiles  # the summary's KPI tiles, as in the proposal

    def __init__(self, case, evaluation, realization, locale, on):
        super().__init__(case, evaluation, locale, on)
        if realization.input_hash != evaluation.input_hash:
            raise EvaluationMismatch(
                "the realization was computed from other inputs than this evaluation: "
                "realize the baselined case again before rendering"
            )
        self.r = realization
        self.inputs = {value.id: value for value in case.values}
        self.numbers = {v.value_id: n for n, v in enumerate(realization.values, start=1)}
        theme = self.theme
        self.plan_colour = tint(theme.primary, 0.45)
        self.ink, self.faint = theme.color("ink"), theme.color("faint")

    def multi_pass(self) -> bool:
        return False  # no table of contents: the report is short

    # -- words ----------------------------------------------------------------------------

    def R(self, key: str, **params) -> str:
        """A label of the report (``doc.realization.<key>``)."""
        return self.L(f"realization.{key}", **params)

    def figure_label(self, key: str) -> str:
        return self.T(f"realization.figure.{key}")

    def figure_text(self, figure) -> str:
        if figure is None or figure.value is None:
            return self.fmt.word("none")
        return self.fmt.figure(figure.value, figure.unit)

    def badge(self, label: str, colour: str) -> str:
        """A status word in one of our palette's colours (never user data in ``color=``)."""
        hexval = self.theme.color(colour).hexval()[2:]
        return f'<font color="#{hexval}"><b>{self.theme.txt(label)}</b></font>'

    def status_badge(self, status: str) -> str:
        return self.badge(self.T(f"realization.status.{status}"), STATUS_COLOUR[status])

    def relief_badge(self, status: str) -> str:
        return self.badge(self.T(f"realization.relief.{status}"), RELIEF_COLOUR[status])

    def period_end(self, period: int) -> dt.date | None:
        start = self.r.cash_flow[period].starts_on
        if start is None:
            return None
        return _add_months(start, self.r.period_months) - dt.timedelta(days=1)

    def as_of_text(self) -> str:
        r = self.r
        end = self.period_end(r.as_of_period)
        if end is None:
            return self.R("as_of_value", period=r.as_of_period, n=r.periods)
        return self.R("as_of_date", period=r.as_of_period, n=r.periods, date=self.fmt.date(end))

    def period_table(self, header: list, rows: list[list], widths: Sequence[float], align: str):
        """A table by period whose second column is the period's start: left out when the
        case has no start date (the periods are only numbered then)."""
        if not any(row.starts_on for row in self.r.cash_flow):
            widths = [w for i, w in enumerate(widths) if i != 1]
            widths = [w / sum(widths) for w in widths]
            header = [h for i, h in enumerate(header) if i != 1]
            rows = [[c for i, c in enumerate(row) if i != 1] for row in rows]
            align = align[:1] + align[2:]
        last = len(rows) - 1
        emphasis = (last,) if rows and rows[last][0] == self.R("total") else ()
        return self.table(header, rows, widths, align, emphasis_rows=emphasis)

    def period_label(self, period: int) -> str:
        start = self.r.cash_flow[period].starts_on
        if period == 0:
            return self.L("word.start")
        return self.fmt.period_date(start) if start is not None else ""

    def percent(self, value: Decimal | None, digits: int = 1) -> str:
        return self.fmt.percent(value, digits)

    def quantity(self, value, unit: str = "") -> str:
        return self.fmt.quantity(value, unit) if value is not None else "—"

    def signal_message(self, signal) -> str:
        """The signal in the document's language (the realization wrote the case's)."""
        name = self.value_name(signal.value_id)
        threshold = self.percent(self.r.threshold, 0)
        periods = ", ".join(str(p) for p in signal.periods)
        if signal.kind in ("behind", "ahead"):
            return self.T(
                f"realization.signal.{signal.kind}",
                value=name,
                rate=self.percent(signal.rate, 0),
                threshold=threshold,
            )
        if signal.kind == "missing_actuals" and signal.value_id is None:
            metric = self.r.goal.metric if self.r.goal is not None else ""
            return self.T("realization.signal.missing_goal_actuals", metric=metric, periods=periods)
        if signal.kind == "missing_actuals":
            return self.T("realization.signal.missing_actuals", value=name, periods=periods)
        return self.T("realization.signal.unmeasurable", value=name)

    def value_name(self, value_id: str | None) -> str:
        for value in self.r.values:
            if value.value_id == value_id:
                return value.name
        return value_id or ""

    # -- the document -----------------------------------------------------------------------

    def story(self) -> list[Flowable]:
        case, ev = self.case, self.ev
        meta = [
            (self.L("cover.prepared_for"), case.customer.name),
            (self.R("cover.as_of"), self.as_of_text()),
            (self.L("cover.prepared_by"), case.seller.name),
            (self.L("cover.date"), self.fmt.date(self.on)),
            (self.R("cover.plan"), f"{ev.methodology_version} · {ev.input_hash[:12]}"),
        ]
        story: list[Flowable] = self.cover(
            self.R("kicker"),
            self.R("subtitle", customer=case.customer.name, period=self.r.as_of_period),
            meta,
        )
        sections = (  # (section, whether it starts a page)
            (self.summary, True),
            (self.values_section, True),
            (self.totals, True),
            (self.goal, True),
            (self.signals, False),  # short: it follows the goal when there is room
            (self.grid, True),
            (self.method, True),
        )
        first = True
        for section, new_page in sections:
            flowables = section()
            if not flowables:
                continue
            if not first:
                story += [PageBreak()] if new_page else [self.new_section(55), self.space(8)]
            story += flowables
            first = False
        return story

    # -- 1. the one-page summary ----------------------------------------------------------------

    def summary(self) -> list[Flowable]:
        r, fmt, case = self.r, self.fmt, self.case
        totals = r.totals
        realized, expected = totals["realized_to_date"].value, totals["expected_to_date"].value
        rate = totals["realization_rate"].value
        out = self.heading("realization.section.summary", "summary")
        params = {
            "period": r.as_of_period,
            "n": r.periods,
            "customer": case.customer.name,
            "realized": fmt.money(realized),
            "expected": fmt.money(expected),
            "rate": self.percent(rate),
        }
        key = "summary.lead" if rate is not None else "summary.lead_no_expected"
        out.append(self.para(self.R(key, **params), "lead"))
        out.append(
            self._tiles(
                [
                    (
                        self.R("kpi.realized"),
                        fmt.money_compact(realized),
                        [fmt.money(realized), self.R("kpi.expected", value=fmt.money(expected))],
                    ),
                    (
                        self.R("kpi.rate"),
                        self.percent(rate),
                        [self.R("kpi.rate_note")],
                    ),
                    (
                        self.R("kpi.npv"),
                        fmt.money_compact(totals["npv_to_date"].value),
                        [
                            fmt.money(totals["npv_to_date"].value),
                            self.R(
                                "kpi.expected",
                                value=fmt.money(totals["expected_npv_to_date"].value),
                            ),
                        ],
                    ),
                    (
                        self.R("kpi.reforecast"),
                        fmt.money_compact(totals["reforecast_npv"].value),
                        [
                            fmt.money(totals["reforecast_npv"].value),
                            self.R("kpi.plan", value=fmt.money(totals["plan_npv"].value)),
                        ],
                    ),
                ]
            )
        )
        out.append(self.space(1))
        out += self._goal_bar()
        out.append(self.h3(self.theme.txt(self.R("summary.values"))))
        out.append(self._values_table())
        out.append(self.h3(self.theme.txt(self.R("summary.attention"))))
        out += self.bullets(self._summary_points())
        out.append(self.para(self.R("summary.note"), "caption"))
        return out

    def _goal_bar(self) -> list[Flowable]:
        goal = self.r.goal
        if goal is None:
            return []
        fmt = self.fmt
        out = [self.h3(self.theme.txt(self.R("summary.goal", metric=goal.metric)))]
        expected = goal.expected_progress.value
        if goal.progress.value is None:
            out.append(self.para(self.R("goal.not_measured"), "small"))
            return out
        out.append(
            _GoalProgressBar(
                self.theme,
                goal.progress.value,
                expected,
                self.L("goal.baseline", value=fmt.quantity(goal.baseline, goal.unit)),
                self.L("goal.target", value=fmt.quantity(goal.target, goal.unit)),
                self.R(
                    "goal.latest",
                    value=fmt.quantity(goal.latest, goal.unit),
                    period=goal.latest_period,
                    share=self.percent(goal.progress.value, 0),
                ),
                self.R(
                    "goal.expected_marker",
                    value=fmt.quantity(goal.points[self.r.as_of_period - 1].expected, goal.unit),
                    share=self.percent(expected, 0),
                ),
            )
        )
        return out

    def _values_table(self) -> Table:
        fmt = self.fmt
        rows = []
        for v in self.r.values:
            figures = v.figures
            financial = v.kind == "financial"
            rows.append(
                [
                    para(self.theme.txt(v.name), self.theme["cell"]),
                    para(self.status_badge(v.status), self.theme["cell"]),
                    self.percent(figures["delivery_rate"].value, 0),
                    fmt.money(figures["realized_to_date"].value) if financial else "—",
                    fmt.money(figures["expected_to_date"].value) if financial else "—",
                    self.percent(figures["realization_rate"].value, 0) if financial else "—",
                ]
            )
        totals = self.r.totals
        rows.append(
            [
                self.R("total"),
                "",
                "",
                fmt.money(totals["realized_to_date"].value),
                fmt.money(totals["expected_to_date"].value),
                self.percent(totals["realization_rate"].value, 0),
            ]
        )
        return self.table(
            [
                self.L("col.value"),
                self.R("col.status"),
                self.R("col.delivery"),
                self.R("col.realized"),
                self.R("col.expected"),
                self.R("col.rate"),
            ],
            rows,
            (0.31, 0.14, 0.11, 0.165, 0.165, 0.11),
            "llrrrr",
            emphasis_rows=(len(rows) - 1,),
        )

    def _summary_points(self) -> list[str]:
        r = self.r
        points = []
        located = [i for i in r.issues if i.status != "unlinked"]
        if located:
            relieved = [i for i in located if i.status == "relieved"]
            points.append(
                self.R(
                    "summary.relief",
                    relieved=len(relieved),
                    total=len(located),
                    open=self.L("list_separator").join(
                        i.title for i in located if i.status == "not_relieved"
                    )
                    or "—",
                )
            )
        points += [self.signal_message(s) for s in r.signals if s.kind != "missing_actuals"]
        missing = [s for s in r.signals if s.kind == "missing_actuals"]
        if missing:
            points.append(self.R("summary.missing", n=len(missing)))
        if not r.signals:
            points.append(self.R("summary.no_signals"))
        reforecast = r.totals["reforecast_npv"].value
        plan = r.totals["plan_npv"].value
        if reforecast is not None and plan is not None:
            key = "summary.reforecast_up" if reforecast >= plan else "summary.reforecast_down"
            points.append(
                self.R(
                    key,
                    reforecast=self.fmt.money(reforecast),
                    plan=self.fmt.money(plan),
                    difference=self.fmt.money(abs(reforecast - plan)),
                )
            )
        return points

    # -- 2. plan against actual, value by value -------------------------------------------------

    def values_section(self) -> list[Flowable]:
        if not self.r.values:
            return []
        out = self.heading("realization.section.values", "values")
        out.append(self.para(self.R("values.intro"), "body"))
        for value in self.r.values:
            out += self._value_block(value)
            out.append(self.space(3))
        return out

    def _value_block(self, v: ValueRealization) -> list[Flowable]:
        fmt = self.fmt
        unit = v.indicator.get("unit") or ""
        title = self.p(
            f"{self.numbers[v.value_id]}.&nbsp;&nbsp;{self.user(v.name)}&nbsp;&nbsp;"
            f"<font size='8'>{self.status_badge(v.status)}</font>",
            "h3",
        )
        half = (self.frame_width - 8) / 2
        indicator = self._indicator_chart(v, half if v.kind == "financial" else self.frame_width)
        if v.kind == "financial":
            pair = Table([[indicator, self._money_chart(v, half)]], colWidths=[half + 8, half])
            pair.setStyle(
                TableStyle(
                    [
                        ("LEFTPADDING", (0, 0), (-1, -1), 0),
                        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ]
                )
            )
            charts_row: Flowable = pair
        else:
            charts_row = indicator
        figures = v.figures
        baseline_target = self.L(
            "arrow",
            a=fmt.decimal_text(v.indicator.get("baseline"), unit),
            b=fmt.decimal_text(v.indicator.get("target"), unit),
        )
        info = [
            (self.L("value.indicator"), f"{v.indicator.get('name') or ''}: {baseline_target}"),
            (self.R("value.delivery"), self.percent(figures["delivery_rate"].value)),
        ]
        if v.kind == "financial":
            info += [
                (
                    self.R("value.money"),
                    self.R(
                        "value.money_value",
                        realized=fmt.money(figures["realized_to_date"].value),
                        expected=fmt.money(figures["expected_to_date"].value),
                        rate=self.percent(figures["realization_rate"].value),
                    ),
                ),
                (
                    self.R("value.reforecast"),
                    self.R(
                        "value.reforecast_value",
                        reforecast=fmt.money(figures["reforecast_benefits"].value),
                        expected=fmt.money(figures["expected_total"].value),
                    ),
                ),
            ]
            released = figures["cash_released_to_date"].value
            if released and released != figures["realized_to_date"].value:
                info.append((self.R("value.released"), fmt.money(released)))
        if v.missing_periods:
            periods = ", ".join(str(p) for p in v.missing_periods)
            info.append((self.R("value.missing"), self.R("value.missing_value", periods=periods)))
        if not v.measurable:
            info.append((self.R("value.unmeasurable"), self.R("value.unmeasurable_value")))
        block = [title, charts_row, self.space(1), self.kv_table(info, 0.3), self.space(1.5)]
        table = self._period_table(v)
        if len(v.points) <= TABLE_PERIODS:  # a short table stays with its value
            return [KeepTogether(block + table)]
        return [KeepTogether(block), *table]

    def _period_table(self, v: ValueRealization) -> list[Flowable]:
        fmt = self.fmt
        unit = v.indicator.get("unit") or ""
        last = min(self.r.periods, max(self.r.as_of_period + 2, TABLE_PERIODS))
        financial = v.kind == "financial"
        rows = []
        for point in v.points[:last]:
            p = point.period
            measured = p <= self.r.as_of_period
            shown = point.actual if measured else point.forecast
            actual = self.quantity(shown, unit)
            if not measured and shown is not None:
                actual = self.R("forecast_mark", value=actual)
            corrections = self.R("corrections", n=point.corrections) if point.corrections else ""
            row = [
                str(p),
                self.period_label(p),
                self.quantity(point.planned, unit),
                f"{actual} {corrections}".strip(),
                self.percent(point.effect, 0) if point.effect is not None else "—",
            ]
            if financial:
                money = v.realized[p] if measured else v.reforecast[p]
                row += [fmt.money(v.expected[p]), fmt.money(money)]
            rows.append(row)
        header = [
            self.L("col.period"),
            self.L("col.starts"),
            self.R("col.planned"),
            self.R("col.actual"),
            self.R("col.effect"),
        ]
        widths = [0.085, 0.1, 0.155, 0.21, 0.1]
        if financial:
            header += [self.R("col.expected_money"), self.R("col.realized_money")]
            widths += [0.175, 0.175]
        else:
            widths = [w / 0.65 for w in widths]
        out = [self.period_table(header, rows, widths, "ll" + "r" * (len(header) - 2))]
        if last < self.r.periods:
            out.append(self.para(self.R("values.more_periods", first=last + 1), "caption"))
        return out

    def _indicator_chart(self, v: ValueRealization, width: float) -> Drawing:
        baseline = v.indicator.get("baseline")
        target = v.indicator.get("target")
        refs = []
        if baseline is not None:
            refs.append((self.R("chart.baseline"), float(Decimal(baseline)), self.faint))
        if target is not None:
            refs.append((self.R("chart.target"), float(Decimal(target)), self.theme.primary))
        periods = [p.period for p in v.points]
        lines = [
            _Series(
                self.R("chart.planned"), self.plan_colour, [_f(p.planned) for p in v.points], "plan"
            ),
            _Series(self.R("chart.actual"), self.ink, [_f(p.actual) for p in v.points], "marks"),
            _Series(
                self.R("chart.forecast"),
                self.theme.accent,
                [_f(p.forecast) for p in v.points],
                "dash",
                joins=(self._last_actual(v), self.r.as_of_period),
            ),
        ]
        unit = v.indicator.get("unit") or ""
        return trend_chart(
            periods,
            lines,
            refs,
            self.r.as_of_period,
            self.theme,
            width,
            self.R("chart.indicator_axis", unit=unit) if unit else self.R("chart.period_axis"),
            lambda value: self.fmt.number(Decimal(repr(value)), 4),
            as_of_label=self.R("chart.as_of"),
        )

    @staticmethod
    def _last_actual(v: ValueRealization) -> float | None:
        measured = [p.actual for p in v.points if p.actual is not None]
        return _f(measured[-1]) if measured else None

    def _money_chart(self, v: ValueRealization, width: float) -> Drawing:
        n, as_of = self.r.periods, self.r.as_of_period
        periods = list(range(1, n + 1))
        expected = [float(v.expected[p]) for p in periods]
        actual = [float(v.realized[p] if p <= as_of else v.reforecast[p]) for p in periods]
        return bars_chart(
            periods,
            expected,
            actual,
            as_of,
            self.theme,
            width,
            (self.R("chart.expected"), self.R("chart.realized"), self.R("chart.forecast")),
            self.R("chart.money_axis", currency=self.r.currency),
        )

    # -- 3. the value across the horizon ----------------------------------------------------------

    def totals(self) -> list[Flowable]:
        r, fmt = self.r, self.fmt
        out = self.heading("realization.section.totals", "totals")
        out.append(self.para(self.R("totals.intro", period=r.as_of_period), "body"))
        rows = []
        for row in r.cash_flow:
            rows.append(
                [
                    str(row.period),
                    self.period_label(row.period),
                    fmt.money(row.expected),
                    fmt.money(row.realized) if row.realized is not None else "—",
                    fmt.money(row.reforecast),
                    fmt.money(row.costs),
                ]
            )
        rows.append(
            [
                self.R("total"),
                "",
                fmt.money(sum((row.expected for row in r.cash_flow), Decimal(0))),
                fmt.money(r.totals["realized_to_date"].value),
                fmt.money(r.totals["reforecast_benefits"].value),
                fmt.money(sum((row.costs for row in r.cash_flow), Decimal(0))),
            ]
        )
        out.append(
            self.period_table(
                [
                    self.L("col.period"),
                    self.L("col.starts"),
                    self.R("col.expected"),
                    self.R("col.realized"),
                    self.R("col.reforecast"),
                    self.R("col.costs_plan"),
                ],
                rows,
                (0.085, 0.1, 0.2, 0.2, 0.215, 0.2),
                "llrrrr",
            )
        )
        out.append(self.space(4))
        out.append(
            KeepTogether(
                [
                    self.h3(self.theme.txt(self.R("totals.chart"))),
                    self._cumulative_chart(),
                    self.para(self.R("totals.chart_note"), "caption"),
                ]
            )
        )
        returns = [
            (self.figure_label(key), self.figure_text(r.totals.get(key)))
            for key in TOTALS_ORDER
            if key in r.totals
        ]
        out.append(
            KeepTogether(
                [self.h3(self.theme.txt(self.R("totals.returns"))), self.kv_table(returns, 0.45)]
            )
        )
        return out

    def _cumulative_chart(self) -> Drawing:
        r = self.r
        plan, actual, running_plan, running = [], [], Decimal(0), Decimal(0)
        for row in r.cash_flow:
            running_plan += row.expected - row.costs
            running += row.reforecast - row.costs
            plan.append(float(running_plan))
            actual.append(float(running))
        as_of = r.as_of_period
        periods = [row.period for row in r.cash_flow]
        lines = [
            _Series(self.R("chart.plan_cumulative"), self.plan_colour, plan, "plan"),
            _Series(
                self.R("chart.realized_cumulative"),
                self.ink,
                [v if p <= as_of else None for p, v in zip(periods, actual, strict=True)],
                "marks",
            ),
            _Series(
                self.R("chart.forecast"),
                self.theme.accent,
                [v if p >= as_of else None for p, v in zip(periods, actual, strict=True)],
                "dash",
            ),
        ]
        return trend_chart(
            periods,
            lines,
            [],
            as_of,
            self.theme,
            self.frame_width,
            self.R("chart.money_axis", currency=r.currency),
            lambda value: compact(value, self.locale),
            as_of_label=self.R("chart.as_of"),
            zero=True,
        )

    # -- 4. the strategic goal -------------------------------------------------------------------

    def goal(self) -> list[Flowable]:
        goal = self.r.goal
        if goal is None:
            return []
        fmt = self.fmt
        out = self.heading("realization.section.goal", "goal")
        case_goal = self.case.goal
        out.append(self.para(case_goal.statement, "lead"))
        deadline = (
            " " + self.L("by_date", date=fmt.date(goal.deadline))
            if goal.deadline is not None
            else ""
        )
        out.append(
            self.para(
                self.R(
                    "goal.intro",
                    metric=goal.metric,
                    baseline=fmt.quantity(goal.baseline, goal.unit),
                    target=fmt.quantity(goal.target, goal.unit),
                    deadline=deadline,
                ),
                "body",
            )
        )
        out += [*self._goal_bar()[1:], self.space(3)]
        lines = [
            _Series(
                self.R("chart.expected_position"),
                self.plan_colour,
                [float(p.expected) for p in goal.points],
                "plan",
            ),
            _Series(self.R("chart.actual"), self.ink, [_f(p.actual) for p in goal.points], "marks"),
        ]
        refs = [
            (self.R("chart.baseline"), float(goal.baseline), self.faint),
            (self.R("chart.target"), float(goal.target), self.theme.primary),
        ]
        axis = self.R("chart.indicator_axis", unit=goal.unit) if goal.unit else ""
        out.append(
            trend_chart(
                [p.period for p in goal.points],
                lines,
                refs,
                self.r.as_of_period,
                self.theme,
                self.frame_width,
                axis or self.R("chart.period_axis"),
                lambda value: self.fmt.number(Decimal(repr(value)), 4),
                as_of_label=self.R("chart.as_of"),
            )
        )
        out.append(self.space(3))
        rows = []
        for point in goal.points[: max(self.r.as_of_period, min(len(goal.points), TABLE_PERIODS))]:
            entry = point.entry
            rows.append(
                [
                    str(point.period),
                    self.period_label(point.period),
                    fmt.quantity(point.expected, goal.unit),
                    self.quantity(point.actual, goal.unit),
                    fmt.date(entry.measured_on) if entry is not None else "—",
                    entry.source if entry is not None else "—",
                ]
            )
        out.append(
            self.period_table(
                [
                    self.L("col.period"),
                    self.L("col.starts"),
                    self.R("col.expected_position"),
                    self.R("col.actual"),
                    self.R("col.measured_on"),
                    self.L("col.source"),
                ],
                rows,
                (0.085, 0.1, 0.165, 0.15, 0.17, 0.33),
                "llrrll",
            )
        )
        return out

    # -- 5. the grid ---------------------------------------------------------------------------

    def grid(self) -> list[Flowable]:
        r = self.r
        if not r.issues:
            return []
        out = self.heading("realization.section.grid", "grid")
        out.append(
            self.para(self.R("grid.intro", share=self.percent(r.relief_threshold, 0)), "body")
        )
        status = {self.number[i.issue_id]: i.status for i in r.issues}
        placed = [g for g in self.grid_issues() if g.number in status]
        if placed:
            colours = {n: self.theme.color(RELIEF_COLOUR[s]) for n, s in status.items()}
            out.append(_ReliefGrid(placed, self.theme, colours))
            out.append(self.space(2))
            legend = " &nbsp;&nbsp; ".join(
                self.badge("●", RELIEF_COLOUR[s]) + f" {self.relief_badge(s)}"
                for s in RELIEF_COLOUR
                if s in status.values()
            )
            out.append(self.p(legend, "small"))
        rows = []
        order = {"not_relieved": 0, "pending": 1, "relieved": 2, "unlinked": 3}
        issues = {i.id: i for i in self.case.issues}
        for relief in sorted(
            r.issues, key=lambda i: (order[i.status], -priority(issues[i.issue_id]))
        ):
            linked = "; ".join(
                f"{self.value_name(value_id)} {self.percent(rate, 0) if rate is not None else '—'}"
                for value_id, rate in relief.delivery.items()
            )
            rows.append(
                [
                    str(self.number[relief.issue_id]),
                    para(self.theme.txt(relief.title), self.theme["cell"]),
                    self.cell_label(issues[relief.issue_id].cell),
                    para(self.relief_badge(relief.status), self.theme["cell"]),
                    linked or "—",
                ]
            )
        out.append(
            self.table(
                [
                    "#",
                    self.L("col.issue"),
                    self.L("col.cell"),
                    self.R("col.status"),
                    self.R("col.linked"),
                ],
                rows,
                (0.05, 0.35, 0.17, 0.13, 0.30),
            )
        )
        return out

    # -- 6. signals -------------------------------------------------------------------------------

    def signals(self) -> list[Flowable]:
        r = self.r
        out = self.heading("realization.section.signals", "signals")
        out.append(
            self.para(
                self.R(
                    "signals.intro",
                    low=self.percent(1 - r.threshold, 0),
                    high=self.percent(1 + r.threshold, 0),
                ),
                "body",
            )
        )
        if not r.signals:
            out.append(self.para(self.R("signals.none"), "body"))
            return [KeepTogether(out)]
        for kind in ("behind", "ahead", "missing_actuals", "unmeasurable"):
            here = [s for s in r.signals if s.kind == kind]
            if not here:
                continue
            out.append(self.h3(self.theme.txt(self.R(f"signals.{kind}"))))
            out += self.bullets([self.signal_message(s) for s in here])
            if kind == "ahead":
                out.append(self.para(self.R("signals.next_frame"), "small"))
        return [KeepTogether(out)]  # short: on one page

    # -- 7. method and measurements --------------------------------------------------------------

    def method(self) -> list[Flowable]:
        r = self.r
        out = self.heading("realization.section.method", "method")
        out.append(self.h3(self.theme.txt(self.R("method.rules"))))
        out += self.bullets(conventions(self.locale))
        settings = [
            *self.period_conventions(),
            (
                self.R("method.thresholds"),
                self.R(
                    "method.thresholds_value",
                    threshold=self.percent(r.threshold, 0),
                    relief=self.percent(r.relief_threshold, 0),
                ),
            ),
            (self.R("method.method"), r.method),
            (self.L("method.version"), r.methodology_version),
            (self.L("method.hash"), r.input_hash),
        ]
        out.append(
            KeepTogether(
                [
                    self.h3(self.theme.txt(self.L("method.conventions"))),
                    self.kv_table(settings, 0.3),
                ]
            )
        )
        out.append(self.h3(self.theme.txt(self.R("method.figures"))))
        for key in TOTALS_ORDER:
            figure = r.totals.get(key)
            if figure is not None:
                out.append(self._trail(self.figure_label(key), figure))
        out += self._measurements()
        return out

    def _trail(self, label: str, figure) -> Flowable:
        theme = self.theme
        lines = [
            f"<b>{theme.txt(label)}</b> = {theme.txt(self.figure_text(figure))}",
            f'<font size="7">{theme.txt(self.L("method.formula"))}: '
            f"{theme.txt(figure.formula)}</font>",
        ]
        if figure.inputs:
            shown = "; ".join(f"{name} = {self._input(raw)}" for name, raw in figure.inputs.items())
            lines.append(
                f'<font size="7">{theme.txt(self.L("method.inputs"))}: {theme.txt(shown)}</font>'
            )
        if figure.note:
            lines.append(f'<font size="7">{theme.txt(figure.note)}</font>')
        table = Table([[para("<br/>".join(lines), theme["small"])]], colWidths=[self.frame_width])
        table.setStyle(
            TableStyle(
                [
                    ("LINEBEFORE", (0, 0), (0, 0), 2, tint(theme.primary, 0.5)),
                    ("LEFTPADDING", (0, 0), (-1, -1), 8),
                    ("TOPPADDING", (0, 0), (-1, -1), 1),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ]
            )
        )
        return KeepTogether([table, self.space(1.5)])

    def _input(self, raw: str) -> str:
        """A trail input: a number in the locale's form (to 4 places), other text as is."""
        try:
            return self.fmt.number(Decimal(raw), 4)
        except ArithmeticError:
            return raw

    def _measurements(self) -> list[Flowable]:
        fmt, r = self.fmt, self.r
        rows = []
        entries = []
        if r.goal is not None:
            label = self.R("goal_row", metric=r.goal.metric)
            unit = r.goal.unit
            entries += [
                (label, unit, p.period, p.actual, p.entry, p.corrections) for p in r.goal.points
            ]
        for v in r.values:
            unit = v.indicator.get("unit") or ""
            entries += [
                (v.name, unit, p.period, p.actual, p.entry, p.corrections) for p in v.points
            ]
        for name, unit, period, actual, entry, corrections in entries:
            if entry is None:
                continue
            rows.append(
                [
                    para(self.theme.txt(name), self.theme["cell"]),
                    str(period),
                    self.quantity(actual, unit),
                    fmt.date(entry.measured_on),
                    para(self.theme.txt(entry.source), self.theme["cell"]),
                    str(corrections) if corrections else "—",
                ]
            )
        if not rows:
            return []
        return [
            self.h3(self.theme.txt(self.R("method.measurements"))),
            self.table(
                [
                    self.L("col.value"),
                    self.L("col.period"),
                    self.R("col.actual"),
                    self.R("col.measured_on"),
                    self.L("col.source"),
                    self.R("col.corrections"),
                ],
                rows,
                (0.26, 0.085, 0.13, 0.15, 0.255, 0.12),
                "lrrllr",
            ),
            self.para(self.R("method.measurements_note"), "caption"),
        ]


def _f(value) -> float | None:
    return None if value is None else float(value)


# -- charts ------------------------------------------------------------------------------------


class _Series:
    """One line of a trend chart: ``style`` plan (a broad soft line), marks (a line with
    points) or dash (dashed); ``joins`` = (value, period) the dashed line starts from (where the
    measured line ends)."""

    def __init__(self, label: str, colour: str, values, style: str, joins=None):
        self.label, self.colour, self.values, self.style = label, colour, list(values), style
        self.joins = joins if joins is not None and joins[0] is not None else None


def trend_chart(
    periods: Sequence[int],
    series: Sequence[_Series],
    refs: Sequence[tuple[str, float, str]],
    as_of: int,
    theme: Theme,
    width: float,
    axis_label: str,
    label_of: Callable[[float], str],
    *,
    as_of_label: str = "",
    zero: bool = False,
) -> Drawing:
    """Lines over periods (plan, actual, re-forecast), reference levels (baseline, target)
    and the period reached."""
    height = CHART["height"] * 0.62
    drawing = Drawing(width, height)
    numbers = [v for s in series for v in s.values if v is not None] + [v for _, v, _ in refs]
    if zero:
        numbers.append(0.0)
    ticks = nice_ticks(min(numbers, default=0.0), max(numbers, default=1.0), 4)
    left = max(30.0, 8 + max(_text_width(label_of(t), theme) for t in ticks))
    plot = _Plot(left, 36, width - left - 8, height - 46, ticks[0], ticks[-1])
    for tick in ticks:
        y = plot.y(tick)
        colour = theme.color("faint") if tick == 0 and zero else theme.color("rule")
        drawing.add(Line(plot.x0, y, plot.x0 + plot.width, y, strokeColor=colour, strokeWidth=0.35))
        drawing.add(_string(plot.x0 - 4, y - 2.3, label_of(tick), theme, anchor="end"))
    first, count = periods[0], len(periods)
    slot = plot.width / count

    def x_of(period: float) -> float:
        return plot.x0 + slot * (period - first + 0.5)

    every = max(1, math.ceil(count / 14))
    for period in periods:
        if (period - first) % every == 0:
            drawing.add(_string(x_of(period), plot.y0 - 10, str(period), theme, anchor="middle"))
    drawing.add(_string(plot.x0 + plot.width, plot.y0 - 20, axis_label, theme, anchor="end"))
    if first <= as_of <= periods[-1] and as_of < periods[-1]:
        x = x_of(as_of + 0.5)
        drawing.add(
            Line(
                x,
                plot.y0,
                x,
                plot.y0 + plot.height,
                strokeColor=theme.color("faint"),
                strokeWidth=0.6,
                strokeDashArray=[1.5, 1.5],
            )
        )
        if as_of_label:
            drawing.add(_string(x - 2, plot.y0 + plot.height + 3, as_of_label, theme, anchor="end"))
    for label, value, colour in refs:
        y = plot.y(value)
        drawing.add(
            Line(
                plot.x0,
                y,
                plot.x0 + plot.width,
                y,
                strokeColor=colour,
                strokeWidth=0.8,
                strokeDashArray=[4, 2],
            )
        )
        drawing.add(
            _string(plot.x0 + plot.width - 2, y + 2, label, theme, anchor="end", color=colour)
        )
    items = []
    for s in series:
        points = [
            (x_of(p), plot.y(v)) for p, v in zip(periods, s.values, strict=True) if v is not None
        ]
        if s.joins is not None and points:
            points.insert(0, (x_of(s.joins[1]), plot.y(s.joins[0])))
        if not points:
            continue
        colour = s.colour
        dash = [3, 2] if s.style == "dash" else None
        stroke = {"plan": 2.6, "marks": 1.3, "dash": 1.2}[s.style]
        if len(points) > 1:
            flat = [c for point in points for c in point]
            drawing.add(
                PolyLine(flat, strokeColor=colour, strokeWidth=stroke, strokeDashArray=dash)
            )
        if s.style == "marks" or len(points) == 1:
            for x, y in points:
                drawing.add(Rect(x - 2.2, y - 2.2, 4.4, 4.4, fillColor=colour, strokeColor=None))
        items.append(("dash" if dash else "line", colour, s.label))
    _legend(drawing, plot.x0, 2, items, theme)
    return drawing


def bars_chart(
    periods: Sequence[int],
    expected: Sequence[float],
    actual: Sequence[float],
    as_of: int,
    theme: Theme,
    width: float,
    labels: tuple[str, str, str],
    axis_label: str,
) -> Drawing:
    """Money per period: expected beside realized (up to the period reached) or
    re-forecast (after it)."""
    height = CHART["height"] * 0.62
    drawing = Drawing(width, height)
    ticks = nice_ticks(min([*expected, *actual, 0.0]), max([*expected, *actual, 0.0]), 4)
    plot = _Plot(40, 36, width - 48, height - 46, ticks[0], ticks[-1])
    _value_axis(drawing, plot, ticks, theme, theme.locale)
    count = len(periods)
    slot = plot.width / count
    bar = max(min(slot * 0.36, 16), 0.5)
    colours = (tint(theme.primary, 0.3), theme.primary, tint(theme.accent, 0.6))
    for index, period in enumerate(periods):
        centre = plot.x0 + slot * (index + 0.5)
        later = period > as_of
        for offset, value, colour in (
            (-bar, expected[index], colours[0]),
            (0.0, actual[index], colours[2] if later else colours[1]),
        ):
            top, bottom = plot.y(max(value, 0.0)), plot.y(min(value, 0.0))
            drawing.add(
                Rect(
                    centre + offset,
                    bottom,
                    bar,
                    max(top - bottom, 0.1),
                    fillColor=colour,
                    strokeColor=None,
                )
            )
    every = max(1, math.ceil(count / 14))
    for index, period in enumerate(periods):
        if index % every == 0:
            x = plot.x0 + slot * (index + 0.5)
            drawing.add(_string(x, plot.y0 - 10, str(period), theme, anchor="middle"))
    drawing.add(_string(plot.x0 + plot.width, plot.y0 - 20, axis_label, theme, anchor="end"))
    items = [("box", colours[0], labels[0]), ("box", colours[1], labels[1])]
    if as_of < periods[-1]:
        items.append(("box", colours[2], labels[2]))
    _legend(drawing, plot.x0, 2, items, theme)
    return drawing


def _text_width(text: str, theme: Theme) -> float:
    return fonts.width(text, theme.fonts, CHART["font_size"])


# -- flowables -------------------------------------------------------------------------------


class _GoalProgressBar(charts.GoalBar):
    """The goal bar of the proposal, measured: the filled share is the progress the latest
    goal actual shows, and a dashed tick marks where the plan expected to be by now."""

    LIFT = 12

    def __init__(self, theme, progress, expected, left, right, marker, expected_label):
        super().__init__(theme, progress, left, right, marker)
        self.expected = None if expected is None else min(max(float(expected), 0.0), 1.0)
        self.expected_label = expected_label

    def wrap(self, available_width, available_height):
        width, height = super().wrap(available_width, available_height)
        self.height = height + self.LIFT
        return width, self.height

    def draw(self):
        from pdf_templates.document import draw_text

        canvas, theme = self.canv, self.theme
        canvas.saveState()
        canvas.translate(0, self.LIFT)
        super().draw()
        canvas.restoreState()
        if self.expected is None:
            return
        x = self.width * self.expected
        canvas.saveState()
        canvas.setStrokeColor(theme.color("ink"))
        canvas.setLineWidth(0.9)
        canvas.setDash(2, 1.5)
        canvas.line(x, self.LIFT + 10, x, self.LIFT + 27)
        canvas.restoreState()
        canvas.setFillColor(theme.color("ink"))
        size = 7.2
        label_width = fonts.width(self.expected_label, theme.fonts, size)
        start = min(max(x - label_width / 2, 0), self.width - label_width)
        draw_text(canvas, start, 2, self.expected_label, theme, size)


class _ReliefGrid(charts.GridFlowable):
    """The 3x3 grid of the proposal with each key issue's chip coloured by its relief."""

    def __init__(self, issues, theme: Theme, colours: dict[int, colors.Color]):
        super().__init__(issues, theme)
        self.colours = colours

    def _chip(self, canvas, issue, x, y, size):
        _box(canvas, x, y, size, size, self.colours[issue.number], radius=size / 2)
        canvas.saveState()
        canvas.setFillColor(colors.white)
        font_size = 6.6 if issue.number < 100 else 5.4
        canvas.setFont(self.theme.fonts.bold, font_size)
        canvas.drawCentredString(x + size / 2, y + size / 2 - font_size * 0.35, str(issue.number))
        canvas.restoreState()
