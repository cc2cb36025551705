"""The customer-facing proposal: the value reference frame as a document an executive reads.

Ten sections (an empty optional one is left out, never printed blank): cover, executive
summary, the frame on one page, the 3x3 grid, key issues, the solution, performance
values, financials, risk, and assumptions and method. Every figure is the evaluation's,
formatted for the locale; every formula in the method section comes from the figure's own
trail (:class:`~valueframe.evaluation.Figure`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Table, TableStyle

from pdf_templates import charts
from pdf_templates.base import Renderer, priority
from pdf_templates.document import toc
from pdf_templates.styles import para, tint
from valueframe.evaluation import Evaluation
from valueframe.grid import level_rank
from valueframe.model import ValueCase

SUMMARY_VALUES = 8  # rows of the executive summary's value table

HEADLINE_ORDER = (
    "npv",
    "roi",
    "roi_operating",
    "cash_released",
    "payback_years",
    "discounted_payback_years",
    "irr",
    "mirr",
    "total_benefits",
    "total_costs",
    "net_benefit",
    "cost_of_delay_per_month",
    "goal_attainment",
)


def render_proposal(
    case: ValueCase,
    evaluation: Evaluation,
    locale: str | None = None,
    *,
    on: dt.date | None = None,
) -> bytes:
    """The proposal PDF of ``case`` (bytes). ``evaluation`` must be ``evaluate(case)``;
    ``locale`` defaults to the case's; ``on`` is the date on the cover (default today).

    Raises :class:`~pdf_templates.errors.RenderError` subclasses: ``EvaluationMismatch``,
    ``DocumentTooLarge`` (naming the field or limit), ``RenderTimeout``, ``FontMissing``.
    """
    return _Proposal(case, evaluation, locale, on).render()


class _Proposal(Renderer):
    kind = "proposal"

    def story(self) -> list[Flowable]:
        case = self.case
        meta = [
            (self.L("cover.prepared_for"), case.customer.name),
            (self.L("cover.industry"), case.customer.industry),
            (self.L("cover.prepared_by"), case.seller.name),
            (self.L("cover.date"), self.fmt.date(self.on)),
            (self.L("cover.version"), f"{self.ev.methodology_version} · {self.ev.input_hash[:12]}"),
        ]
        if case.customer.size:
            meta.insert(2, (self.L("cover.size"), case.customer.size))
        story: list[Flowable] = self.cover(
            self.L("proposal.kicker"),
            self.L("proposal.subtitle", customer=case.customer.name),
            meta,
        )
        story += [self.p(self.theme.txt(self.L("toc")), "h1"), self._rule(), toc(self.theme)]
        story.append(PageBreak())
        sections = (
            self.executive_summary,
            self.frame,
            self.grid,
            self.key_issues,
            self.solution,
            self.values,
            self.financials,
            self.risk,
            self.method,
        )
        first = True
        for section in sections:
            flowables = section()
            if not flowables:
                continue
            if not first:
                story.append(PageBreak())
            story += flowables
            first = False
        return story

    # -- helpers --------------------------------------------------------------------------

    def fig(self, key: str):
        return self.ev.headline.get(key)

    def fig_text(self, key: str) -> str:
        figure = self.fig(key)
        if figure is None:
            return self.fmt.word("none")
        if key == "irr":
            return self.irr_text()
        if key in ("payback_years", "discounted_payback_years"):
            return self.fmt.years(figure.value)
        return self.fmt.figure(figure.value, figure.unit)

    def irr_text(self) -> str:
        irr = self.ev.irr
        if irr.status == "unique" and irr.rate is not None:
            return self.fmt.percent(irr.rate)
        return self.fmt.word("multiple" if irr.status == "multiple" else "none")

    def has_estimates(self) -> bool:
        return any(v.evidence == "estimate" for v in self.ev.values if v.kind == "financial")

    def _range(self, low, high, show) -> str:
        low, high = show(low), show(high)
        return low if low == high else self.L("range", low=low, high=high)

    # -- 2. executive summary ---------------------------------------------------------------

    def executive_summary(self) -> list[Flowable]:
        case, ev, fmt = self.case, self.ev, self.fmt
        out = self.heading("section.summary", "summary")
        if case.goal is not None:
            goal = case.goal
            line = self.L("summary.goal", customer=case.customer.name, statement=goal.statement)
            out.append(self.para(line, "lead"))
            details = [self.T(f"viewpoint.{goal.viewpoint}")]
            if goal.owner_role.strip():
                details.append(self.L("summary.owner", owner=goal.owner_role))
            if goal.deadline:
                details.append(self.L("by_date", date=fmt.date(goal.deadline)))
            out.append(self.para(" · ".join(details), "small"))
        sim = ev.simulation
        npv = self.fig("npv")
        tiles = []
        npv_note = [fmt.money(npv.value)]
        if sim is not None:
            npv_note.append(
                self.L(
                    "summary.p10_p90",
                    range=self._range(sim.npv.p10, sim.npv.p90, fmt.money_compact),
                )
            )
        tiles.append((self.L("kpi.npv"), fmt.money_compact(npv.value), npv_note))
        roi = self.fig("roi")
        roi_note = [self.L("kpi.roi_note", years=case.horizon_years)]
        if sim is not None and sim.roi.p10 is not None:
            roi_note.append(
                self.L("summary.p10_p90", range=self._range(sim.roi.p10, sim.roi.p90, fmt.percent))
            )
        tiles.append((self.L("kpi.roi"), fmt.percent(roi.value), roi_note))
        payback = self.fig("payback_years")
        pay_note = [
            self.L("kpi.discounted", value=fmt.years(self.fig("discounted_payback_years").value))
        ]
        if sim is not None:
            pay_note.append(
                self.L(
                    "summary.p10_p90",
                    range=self._range(sim.payback_years.p10, sim.payback_years.p90, fmt.years),
                )
            )
        tiles.append((self.L("kpi.payback"), fmt.years(payback.value, "never_short"), pay_note))
        tiles.append(
            (
                self.L("kpi.irr"),
                self.irr_text(),
                [self.L("kpi.mirr", value=fmt.percent(self.fig("mirr").value))],
            )
        )
        out.append(self._tiles(tiles))
        out.append(self.space(2))
        facts = []
        goal_figures = ev.goal
        if goal_figures is not None and goal_figures.attainment.value is not None:
            facts.append(
                self.L(
                    "summary.attainment",
                    share=fmt.percent(goal_figures.attainment.value, 0),
                    target=fmt.quantity(goal_figures.target, goal_figures.unit),
                    metric=goal_figures.metric,
                    baseline=fmt.quantity(goal_figures.baseline, goal_figures.unit),
                    projected=fmt.quantity(goal_figures.projected, goal_figures.unit),
                )
            )
        facts.append(
            self.L(
                "summary.benefits",
                benefits=fmt.money(self.fig("total_benefits").value),
                costs=fmt.money(self.fig("total_costs").value),
                years=case.horizon_years,
            )
        )
        released = self.fig("cash_released")
        if released is not None and released.value:
            facts.append(
                self.L(
                    "summary.released",
                    released=fmt.money(released.value),
                    roi=self.fig_text("roi_operating"),
                )
            )
        delay = self.fig("cost_of_delay_per_month")
        if delay is not None and delay.value:
            facts.append(self.L("summary.delay", amount=fmt.money(delay.value)))
        if sim is not None:
            facts.append(
                self.L(
                    "summary.probability",
                    share=fmt.percent(sim.probability_npv_positive, 0),
                    trials=fmt.number(Decimal(sim.trials), 0),
                )
            )
        if goal_figures is not None and goal_figures.attainment.value is not None:
            out.append(self.h3(self.theme.txt(self.L("summary.distance"))))
            out.append(
                charts.GoalBar(
                    self.theme,
                    goal_figures.attainment.value,
                    self.L(
                        "goal.baseline",
                        value=fmt.quantity(goal_figures.baseline, goal_figures.unit),
                    ),
                    self.L(
                        "goal.target", value=fmt.quantity(goal_figures.target, goal_figures.unit)
                    ),
                    self.L(
                        "goal.expected",
                        value=fmt.quantity(goal_figures.projected, goal_figures.unit),
                        share=fmt.percent(goal_figures.attainment.value, 0),
                    ),
                )
            )
        out.append(self.h3(self.theme.txt(self.L("summary.what_it_means"))))
        out += self.bullets(facts)
        financial = sorted(
            (v for v in ev.values if v.kind == "financial"), key=lambda v: -v.total_expected
        )
        if financial:
            out.append(self.h3(self.theme.txt(self.L("summary.where_value_comes_from"))))
            rows = [
                [
                    v.name + self.estimate_mark(v.evidence),
                    self.T(f"driver.{v.driver_type}"),
                    fmt.percent(v.probability, 0),
                    fmt.money(v.total_expected),
                ]
                for v in financial[:SUMMARY_VALUES]
            ]
            out.append(
                self.table(
                    [
                        self.L("col.value"),
                        self.L("col.driver"),
                        self.L("col.probability"),
                        self.L("col.expected_total"),
                    ],
                    rows,
                    (0.42, 0.22, 0.13, 0.23),
                    "lllr",
                )
            )
            if len(financial) > SUMMARY_VALUES:
                more = self.L("summary.more_values", n=len(financial) - SUMMARY_VALUES)
                out.append(self.para(more, "caption"))
        if self.has_estimates():
            out.append(self.para(self.L("estimate_note", customer=case.customer.name), "caption"))
        return out

    def _tiles(self, tiles) -> Table:
        theme = self.theme
        cells = []
        for label, value, notes in tiles:
            stack = [
                para(
                    theme.txt(label.upper() if self.locale == "en" else label), theme["kpi_label"]
                ),
                para(theme.txt(value), theme["kpi_value"]),
            ]
            stack += [para(theme.txt(note), theme["kpi_note"]) for note in notes]
            cells.append(stack)
        width = self.frame_width / len(tiles)
        table = Table([cells], colWidths=[width] * len(tiles), hAlign="LEFT")
        commands = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("BACKGROUND", (0, 0), (-1, -1), theme.color("panel")),
            ("LINEABOVE", (0, 0), (-1, 0), 2, theme.primary),
            ("TOPPADDING", (0, 0), (-1, -1), 7),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
            ("LEFTPADDING", (0, 0), (-1, -1), 8),
            ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ]
        for column in range(1, len(tiles)):
            commands.append(("LINEBEFORE", (column, 0), (column, 0), 3, theme.color("white")))
        table.setStyle(TableStyle(commands))
        return table

    # -- 3. the frame on one page --------------------------------------------------------------

    def frame(self) -> list[Flowable]:
        case, ev, fmt = self.case, self.ev, self.fmt
        selected = [i for i in case.issues if i.selected]
        if not selected and not case.values:
            return []  # a frame without issues or values is not a frame yet
        modes = {a.issue_id: a.mode for a in case.solution.addresses} if case.solution else {}
        issues = tuple(
            charts.FrameIssue(self.number[i.id], i.title, i.kind, modes.get(i.id))
            for i in sorted(selected, key=lambda i: -priority(i))
        )
        figures = {v.value_id: v for v in ev.values}
        values = []
        for value in sorted(case.values, key=lambda v: -figures[v.id].total_expected):
            vf = figures[value.id]
            if value.kind == "financial":
                amount = fmt.money_compact(vf.total_expected)
            else:
                amount = self.L("word.non_financial")
            numbers = tuple(self.number[i] for i in value.issue_ids if i in self.number)
            values.append(
                charts.FrameValue(value.name, amount, numbers, value.evidence == "estimate")
            )
        goal = case.goal
        txt = self.theme.txt
        if goal is not None:
            goal_title = goal.statement
            change = self.L(
                "arrow",
                a=fmt.quantity(goal.baseline, goal.unit),
                b=fmt.quantity(goal.target, goal.unit),
            )
            goal_lines = [f'<font size="7">{txt(f"{goal.metric}: {change}")}</font>']
            if goal.deadline:
                goal_lines.append(
                    f'<font size="7">{txt(self.L("by_date", date=fmt.date(goal.deadline)))}</font>'
                )
        else:
            goal_title, goal_lines = self.L("word.no_goal"), []
        solution = case.solution
        solution_lines = []
        if solution is not None:
            level = self.L("solution.level_line", level=self.level_label(solution.level))
            solution_lines.append(f'<font size="7">{txt(level)}</font>')
            for capability in solution.capabilities[:3]:
                solution_lines.append(f'<font size="6.8">{txt("• " + capability)}</font>')
        if ev.goal is not None and ev.goal.attainment.value is not None:
            closing = txt(
                self.L(
                    "frame.closing",
                    share=fmt.percent(ev.goal.attainment.value, 0),
                    movement=fmt.quantity(ev.goal.expected_movement, ev.goal.unit),
                )
            )
        else:
            closing = txt(self.L("frame.closing_no_goal"))
        content = charts.FrameContent(
            goal_title=goal_title,
            goal_lines=tuple(goal_lines),
            issues=issues,
            solution_title=solution.name if solution else self.L("word.no_solution"),
            solution_lines=tuple(solution_lines),
            values=tuple(values),
            closing=closing,
            headings=(
                self.L("frame.goal"),
                self.L("frame.issues"),
                self.L("frame.solution"),
                self.L("frame.values"),
            ),
            more_issues=self.L("frame.more_issues"),
            more_values=self.L("frame.more_values"),
            links=self.L("frame.links"),
        )
        out = self.heading("section.frame", "frame")
        out.append(self.para(self.L("frame.intro"), "body"))
        out.append(charts.FrameDiagram(content, self.theme, self.frame_height - 30 * mm))
        legend = self.L("frame.legend")
        out.append(self.para(legend, "caption"))
        return out

    # -- 4. the grid -------------------------------------------------------------------------

    def grid(self) -> list[Flowable]:
        placed = self.grid_issues()
        if not placed:
            return []
        out = self.heading("section.grid", "grid")
        out.append(self.para(self.L("grid.intro"), "body"))
        out.append(charts.GridFlowable(placed, self.theme))
        out.append(self.space(2))
        out.append(charts.PriorityScale(self.theme, self.L("grid.priority_rule")))
        out.append(self.space(3))
        rows = []
        for issue in sorted(
            (i for i in self.case.issues if i.selected), key=lambda i: -priority(i)
        ):
            rows.append(
                [
                    str(self.number[issue.id]),
                    issue.title,
                    issue.kind,
                    self.cell_label(issue.cell),
                    f"{issue.importance} · {issue.hiddenness} · {issue.trend}",
                    str(priority(issue)),
                ]
            )
        out.append(
            self.table(
                [
                    "#",
                    self.L("col.issue"),
                    self.L("col.kind"),
                    self.L("col.cell"),
                    self.L("col.scores"),
                    self.L("col.priority"),
                ],
                rows,
                (0.05, 0.43, 0.08, 0.22, 0.12, 0.10),
                "lllllr",
            )
        )
        return out

    # -- 5. key issues ---------------------------------------------------------------------

    def key_issues(self) -> list[Flowable]:
        case = self.case
        selected = [i for i in case.issues if i.selected]
        if not selected:
            return []
        out = self.heading("section.issues", "issues")
        csfs = {c.id: c for c in case.csfs}
        for issue in selected:
            number = self.number[issue.id]
            title = self.h3(f"{number}.&nbsp;&nbsp;{self.user(issue.title)}")
            rows = [
                (self.L("issue.kind"), self.L(f"kind.{issue.kind}")),
                (self.L("issue.cell"), self.cell_label(issue.cell)),
            ]
            csf = csfs.get(issue.csf_id) if issue.csf_id else None
            if csf is not None:
                source = self.T(f"csf_source.{csf.source}")
                text = f"{csf.name} ({source})"
                if csf.description.strip():
                    text += f": {csf.description}"
                rows.append((self.L("issue.csf"), text))
            rows.append((self.L("issue.why"), self.why_it_matters(issue)))
            if issue.affected_roles:
                rows.append(
                    (
                        self.L("issue.roles"),
                        self.L("list_separator").join(issue.affected_roles),
                    )
                )
            block = [title, self.kv_table(rows, 0.22)]
            if issue.evidence.strip():
                evidence_title = self.p(self.theme.txt(self.L("issue.evidence")), "kpi_label")
                out.append(KeepTogether([*block, self.space(1.5), evidence_title]))
                out.append(self.para(issue.evidence, "body"))
            else:
                out.append(KeepTogether(block))
            out.append(self.space(3))
        others = [i for i in case.issues if not i.selected]
        if others:
            out.append(self.h3(self.theme.txt(self.L("issue.others"))))
            out += self.bullets(f"{self.number[i.id]}. {i.title}" for i in others)
        return out

    def why_it_matters(self, issue) -> str:
        def band(score: int) -> str:
            return "high" if score >= 4 else "mid" if score == 3 else "low"

        parts = [
            self.L(f"why.importance.{band(issue.importance)}", score=issue.importance),
            self.L(f"why.hiddenness.{band(issue.hiddenness)}", score=issue.hiddenness),
            self.L(f"why.trend.{band(issue.trend)}", score=issue.trend),
        ]
        return self.L("why.join", a=parts[0], b=parts[1], c=parts[2], priority=priority(issue))

    # -- 6. the solution -------------------------------------------------------------------

    def solution(self) -> list[Flowable]:
        solution = self.case.solution
        if solution is None:
            return []
        out = self.heading("section.solution", "solution")
        out.append(self.h2(solution.name))
        if solution.description.strip():
            out.append(self.para(solution.description, "lead"))
        if solution.capabilities:
            out.append(self.h3(self.theme.txt(self.L("solution.capabilities"))))
            out += self.bullets(solution.capabilities)
        if solution.addresses:
            out.append(self.h3(self.theme.txt(self.L("solution.addresses"))))
            rows = [
                [
                    self.issue_label(a.issue_id),
                    self.T(f"address_mode.{a.mode}"),
                    a.rationale or ("—" if a.mode == "solve" else self.L("word.no_rationale")),
                ]
                for a in solution.addresses
            ]
            out.append(
                self.table(
                    [self.L("col.issue"), self.L("col.mode"), self.L("col.rationale")],
                    rows,
                    (0.45, 0.12, 0.43),
                )
            )
        scores = solution.scores
        rank = level_rank(solution.level)
        criteria = [
            (self.T("criterion.level"), rank, 3, self.level_label(solution.level)),
            (self.T("criterion.linkage"), scores.linkage, 5, f"{scores.linkage} / 5"),
            (self.T("criterion.innovation"), scores.innovation, 5, f"{scores.innovation} / 5"),
            (self.T("criterion.risk"), scores.risk, 5, f"{scores.risk} / 5"),
            (self.T("criterion.timeliness"), scores.timeliness, 5, f"{scores.timeliness} / 5"),
        ]
        out.append(
            KeepTogether(
                [
                    self.h3(self.theme.txt(self.L("solution.criteria"))),
                    charts.criteria_chart(criteria, self.theme, self.frame_width),
                    self.para(self.L("solution.criteria_note"), "caption"),
                ]
            )
        )
        if solution.constraints:
            out.append(self.h3(self.theme.txt(self.L("solution.constraints"))))
            out += self.bullets(solution.constraints)
        if solution.costs:
            rows = []
            for cost in solution.costs:
                if cost.kind == "one_off":
                    when = self.L("cost.once", period=cost.period)
                else:
                    end = self.L("cost.end") if cost.end_period is None else str(cost.end_period)
                    when = self.L("cost.yearly", start=cost.start_period, end=end)
                rows.append(
                    [cost.name, self.T(f"cost_kind.{cost.kind}"), when, self.fmt.money(cost.amount)]
                )
            out.append(
                KeepTogether(
                    [
                        self.h3(self.theme.txt(self.L("solution.costs"))),
                        self.table(
                            [
                                self.L("col.item"),
                                self.L("col.kind"),
                                self.L("col.when"),
                                self.L("col.amount"),
                            ],
                            rows,
                            (0.4, 0.15, 0.25, 0.2),
                            "lllr",
                        ),
                    ]
                )
            )
        return out

    # -- 7. performance values ---------------------------------------------------------------

    def values(self) -> list[Flowable]:
        case, ev, fmt = self.case, self.ev, self.fmt
        if not case.values:
            return []
        out = self.heading("section.values", "values")
        out.append(self.para(self.L("values.intro"), "body"))
        inputs = {v.id: v for v in case.values}
        financial = [v for v in ev.values if v.kind == "financial"]
        for vf in financial:
            value = inputs[vf.value_id]
            out.append(self._value_block(vf, value))
            out.append(self.space(4))
        others = [v for v in ev.values if v.kind != "financial"]
        if others:
            out.append(self.h2(self.L("values.non_financial")))
            rows = []
            for vf in others:
                value = inputs[vf.value_id]
                indicator = vf.indicator
                name = self.user(vf.name + self.estimate_mark(vf.evidence))
                if value.description.strip():
                    name += f'<br/><font size="7">{self.user(value.description)}</font>'
                rows.append(
                    [
                        para(name, self.theme["cell"]),
                        indicator["name"] or "",
                        self._baseline_target(indicator),
                        fmt.percent(vf.probability, 0),
                        self._goal_contribution(vf.goal_contribution),
                        ", ".join(str(self.number[i]) for i in value.issue_ids if i in self.number)
                        or "—",
                    ]
                )
            out.append(
                self.table(
                    [
                        self.L("col.value"),
                        self.L("col.indicator"),
                        self.L("col.baseline_target"),
                        self.L("col.probability"),
                        self.L("col.goal_contribution"),
                        self.L("col.issues"),
                    ],
                    rows,
                    (0.24, 0.2, 0.18, 0.11, 0.17, 0.1),
                    "lllrrl",
                )
            )
        if any(v.evidence == "estimate" for v in ev.values):
            out.append(self.para(self.L("estimate_note", customer=case.customer.name), "caption"))
        return out

    def _baseline_target(self, indicator: dict) -> str:
        unit = indicator.get("unit") or ""
        baseline, target = indicator.get("baseline"), indicator.get("target")
        if baseline is None and target is None:
            return "—"
        return self.L(
            "arrow",
            a=self.fmt.decimal_text(baseline, unit),
            b=self.fmt.decimal_text(target, unit),
        )

    def _goal_contribution(self, value: Decimal | None) -> str:
        if value is None or self.ev.goal is None:
            return "—"
        return self.fmt.quantity(value, self.ev.goal.unit)

    def _improvement(self, vf, level: str) -> str:
        amount = vf.improvement[level]
        kind = vf.driver_type
        if kind == "working_capital":
            return self.fmt.days(amount)
        if kind == "margin_improvement":
            return self.fmt.percent(amount, 2)
        return self.fmt.money(amount)

    def _value_block(self, vf, value) -> Flowable:
        fmt = self.fmt
        badge = f"<font size='7.5'>{self.evidence_badge(vf.evidence)}</font>"
        title = self.p(f"{self.user(vf.name)}&nbsp;&nbsp;{badge}", "h3")
        driver = self.T(f"driver.{vf.driver_type}")
        if vf.component:
            driver += " · " + self.T(f"component.{vf.component}")
        timing = value.timing
        timing_text = self.L(
            "timing",
            start=timing.start_period,
            ramp=timing.ramp_periods,
            curve=self.T(f"curve.{timing.curve}"),
        )
        if value.extension.years is not None:
            timing_text += " · " + self.L("timing.years", years=value.extension.years)
        if value.extension.scope_multiplier != 1:
            timing_text += " · " + self.L(
                "timing.scope", scope=fmt.number(value.extension.scope_multiplier, 4)
            )
        linked = [self.issue_label(i) for i in value.issue_ids if self.case.issue(i)]
        info = [
            (
                self.L("value.indicator"),
                f"{vf.indicator['name']}: {self._baseline_target(vf.indicator)}",
            ),
            (self.L("value.driver"), driver),
            (self.L("value.timing"), timing_text),
            (self.L("value.probability"), fmt.percent(vf.probability, 0)),
        ]
        if linked:
            info.append((self.L("value.issues"), "; ".join(linked)))
        if vf.goal_contribution is not None and self.ev.goal is not None:
            info.append(
                (self.L("value.goal_contribution"), self._goal_contribution(vf.goal_contribution))
            )
        if value.description.strip():
            info.append((self.L("value.description"), value.description))
        header = [
            self.L("col.line"),
            self.L("col.low"),
            self.L("col.likely"),
            self.L("col.high"),
            self.L("col.expected"),
        ]
        improvement = self.L(f"improvement.{vf.driver_type}")
        if vf.component:
            improvement = self.L("improvement.days", component=self.T(f"component.{vf.component}"))
        rows = [
            [improvement] + [self._improvement(vf, lv) for lv in ("low", "likely", "high")] + [""]
        ]
        for stream in vf.streams:
            label = self.L(f"stream_line.{stream.kind}", stream=self.T(f"stream.{stream.key}"))
            rows.append(
                [label]
                + [fmt.money(stream.amount[lv].value) for lv in ("low", "likely", "high")]
                + [fmt.money(stream.expected.value)]
            )
        rows.append(
            [
                self.L("value.total_expected", years=self.case.horizon_years),
                "",
                "",
                "",
                fmt.money(vf.total_expected),
            ]
        )
        amounts = self.table(
            header, rows, (0.32, 0.16, 0.16, 0.16, 0.20), "lrrrr", emphasis_rows=(len(rows) - 1,)
        )
        return KeepTogether([title, self.kv_table(info, 0.22), self.space(2), amounts])

    # -- 8. financials --------------------------------------------------------------------

    def financials(self) -> list[Flowable]:
        ev, fmt = self.ev, self.fmt
        out = self.heading("section.financials", "financials")
        out.append(self.para(self.L("financials.intro", months=ev.period_months), "body"))
        rows = []
        for row in ev.cash_flow:
            rows.append(
                [
                    str(row.period),
                    fmt.period_date(row.starts_on) if row.period else self.L("word.start"),
                    fmt.money(row.benefits),
                    fmt.money(row.costs),
                    fmt.money(row.net),
                    fmt.money(row.cumulative),
                    fmt.money(row.cumulative_discounted),
                ]
            )
        has_dates = any(r.starts_on for r in ev.cash_flow)
        header = [
            self.L("col.period"),
            self.L("col.starts"),
            self.L("col.benefits"),
            self.L("col.costs"),
            self.L("col.net"),
            self.L("col.cumulative"),
            self.L("col.cumulative_discounted"),
        ]
        widths = (0.08, 0.09, 0.17, 0.15, 0.17, 0.17, 0.17)
        if not has_dates:
            header.pop(1)
            for r in rows:
                r.pop(1)
            widths = (0.08, 0.19, 0.17, 0.18, 0.19, 0.19)
        out.append(self.table(header, rows, widths, "l" * (len(header) - 5) + "rrrrr"))
        out.append(self.space(4))
        out.append(
            KeepTogether(
                [
                    self.h3(self.theme.txt(self.L("financials.chart"))),
                    charts.cash_flow_chart(ev, fmt, self.theme, self.frame_width),
                    self.para(self.L("financials.chart_note"), "caption"),
                ]
            )
        )
        returns = [
            (self.L("figure.npv"), self.fig_text("npv")),
            (self.L("figure.roi"), self.fig_text("roi")),
            (self.L("figure.roi_operating"), self.fig_text("roi_operating")),
            (self.L("figure.cash_released"), self.fig_text("cash_released")),
            (self.L("figure.irr"), self.fig_text("irr")),
            (self.L("figure.mirr"), self.fig_text("mirr")),
            (self.L("figure.payback_years"), self.fig_text("payback_years")),
            (self.L("figure.discounted_payback_years"), self.fig_text("discounted_payback_years")),
            (self.L("figure.total_benefits"), self.fig_text("total_benefits")),
            (self.L("figure.total_costs"), self.fig_text("total_costs")),
            (self.L("figure.net_benefit"), self.fig_text("net_benefit")),
        ]
        block = [self.h3(self.theme.txt(self.L("financials.returns"))), self.kv_table(returns, 0.4)]
        if self.fig("roi") is not None and self.fig("roi").value is None:
            block.append(self.para(self.L("financials.roi_undefined"), "small"))
        if ev.irr.status != "unique":
            block.append(self.para(self.irr_explanation(), "small"))
        out.append(KeepTogether(block))
        if ev.scenarios:
            rows = [
                [
                    self.T(f"scenario.{s.name}"),
                    fmt.money(s.npv),
                    fmt.percent(s.roi),
                    fmt.years(s.payback_years),
                ]
                for s in ev.scenarios
            ]
            out.append(
                KeepTogether(
                    [
                        self.h3(self.theme.txt(self.L("financials.scenarios"))),
                        self.table(
                            [
                                self.L("col.scenario"),
                                self.L("figure.npv"),
                                self.L("figure.roi"),
                                self.L("figure.payback_years"),
                            ],
                            rows,
                            (0.34, 0.24, 0.2, 0.22),
                            "lrrr",
                        ),
                        self.para(self.L("financials.scenarios_note"), "caption"),
                    ]
                )
            )
        out += self.turnover()
        out += self.margin()
        return out

    def irr_explanation(self) -> str:
        irr = self.ev.irr
        if irr.status == "multiple":
            roots = ", ".join(self.fmt.percent(r) for r in irr.roots)
            return self.T("irr.multiple", roots=roots)
        return self.T("irr.none")

    def turnover(self) -> list[Flowable]:
        comparison = self.ev.turnover
        if comparison is None:
            return []
        fmt = self.fmt
        rows = []
        for key, show in (
            ("dio", fmt.days),
            ("dso", fmt.days),
            ("dpo", fmt.days),
            ("ccc", fmt.days),
            ("inventory_turnover", fmt.times),
            ("receivables_turnover", fmt.times),
            ("payables_turnover", fmt.times),
            ("cash_turnover", fmt.times),
        ):
            before, after = comparison.before.get(key), comparison.after.get(key)
            if before is None and after is None:
                continue
            rows.append([self.L(f"turnover.{key}"), show(before), show(after)])
        release = comparison.release
        for key in ("inventory_release", "receivables_release", "payables_release"):
            amount = release.get(key)
            if amount:
                rows.append([self.L(f"turnover.{key}"), "", fmt.money(amount)])
        rows.append([self.L("turnover.total_release"), "", fmt.money(release.get("total_release"))])
        return [
            KeepTogether(
                [
                    self.h3(self.theme.txt(self.L("financials.turnover"))),
                    self.table(
                        [self.L("col.measure"), self.L("col.before"), self.L("col.after")],
                        rows,
                        (0.46, 0.27, 0.27),
                        "lrr",
                        emphasis_rows=(len(rows) - 1,),
                    ),
                    self.para(
                        self.L("financials.turnover_note", days=comparison.day_count), "caption"
                    ),
                ]
            )
        ]

    def margin(self) -> list[Flowable]:
        comparison = self.ev.margin
        if comparison is None:
            return []
        fmt = self.fmt
        rows = []
        for key in (
            "revenue",
            "variable_costs",
            "contribution_margin",
            "cm_ratio",
            "fixed_costs",
            "operating_profit",
            "break_even_revenue",
        ):
            show = fmt.percent if key == "cm_ratio" else fmt.money
            rows.append(
                [
                    self.L(f"margin.{key}"),
                    show(comparison.before.get(key)),
                    show(comparison.after.get(key)),
                ]
            )
        return [
            KeepTogether(
                [
                    self.h3(self.theme.txt(self.L("financials.margin"))),
                    self.table(
                        [self.L("col.measure"), self.L("col.before"), self.L("col.after")],
                        rows,
                        (0.46, 0.27, 0.27),
                        "lrr",
                    ),
                    self.para(self.L("financials.margin_note"), "caption"),
                ]
            )
        ]

    # -- 9. risk ----------------------------------------------------------------------------

    def risk(self) -> list[Flowable]:
        ev, fmt = self.ev, self.fmt
        sim = ev.simulation
        if sim is None and not ev.tornado:
            return []
        out = self.heading("section.risk", "risk")
        if sim is not None:
            summary = self.L(
                "risk.summary",
                trials=fmt.number(Decimal(sim.trials), 0),
                p10=fmt.money(sim.npv.p10),
                p50=fmt.money(sim.npv.p50),
                p90=fmt.money(sim.npv.p90),
                mean=fmt.money(sim.npv.mean),
                positive=fmt.percent(sim.probability_npv_positive, 0),
                payback=fmt.percent(sim.probability_payback, 0),
                years=self.case.horizon_years,
            )
            out.append(
                KeepTogether(
                    [
                        self.h3(self.theme.txt(self.L("risk.histogram"))),
                        self.para(summary, "body"),
                        charts.npv_histogram(sim, fmt, self.theme, self.frame_width),
                        self.para(self.L("risk.histogram_note", seed=sim.seed), "caption"),
                    ]
                )
            )
        if ev.tornado:
            names = {v.value_id: v.name for v in ev.values}

            def name(bar) -> str:
                return f"{names.get(bar.value_id, bar.name)} ({self.T(f'stream.{bar.stream}')})"

            out.append(
                KeepTogether(
                    [
                        self.h3(self.theme.txt(self.L("risk.tornado"))),
                        charts.tornado_chart(
                            ev.tornado,
                            self.fig("npv").value,
                            name,
                            fmt,
                            self.theme,
                            self.frame_width,
                        ),
                        self.para(self.L("risk.tornado_note"), "caption"),
                    ]
                )
            )
            if len(ev.tornado) > 12:
                out.append(
                    self.para(self.L("risk.tornado_more", n=len(ev.tornado) - 12), "caption")
                )
        return out

    # -- 10. assumptions and method -------------------------------------------------------------

    def method(self) -> list[Flowable]:
        case, ev, fmt = self.case, self.ev, self.fmt
        out = self.heading("section.method", "method")
        if case.assumptions:
            out.append(self.h3(self.theme.txt(self.L("method.assumptions"))))
            rows = [
                [
                    a.name,
                    f"{a.value} {a.unit}".strip(),
                    a.source or self.L("word.no_source"),
                    self.evidence_badge(a.evidence),
                ]
                for a in case.assumptions
            ]
            rows = [[self.user(c) for c in r[:3]] + [r[3]] for r in rows]
            out.append(
                self.table(
                    [
                        self.L("col.assumption"),
                        self.L("col.value"),
                        self.L("col.source"),
                        self.L("col.evidence"),
                    ],
                    rows,
                    (0.34, 0.16, 0.34, 0.16),
                    markup=True,
                )
            )
            out.append(self.para(self.L("method.evidence_legend"), "caption"))
        conventions = [
            *self.period_conventions(),
            (self.L("method.day_count"), str(ev.day_count)),
            (self.L("method.npv_convention"), self.L("method.npv_convention_value")),
            (self.L("method.irr_convention"), self.L("method.irr_convention_value")),
        ]
        if case.reinvestment_rate is not None:
            conventions.append((self.L("method.reinvestment"), fmt.rate(case.reinvestment_rate)))
        if ev.simulation is not None:
            conventions.append(
                (
                    self.L("method.simulation"),
                    self.L(
                        "method.simulation_value",
                        trials=fmt.number(Decimal(ev.simulation.trials), 0),
                        seed=ev.simulation.seed,
                    ),
                )
            )
        conventions += [
            (self.L("method.version"), ev.methodology_version),
            (self.L("method.hash"), ev.input_hash),
        ]
        out.append(
            KeepTogether(
                [
                    self.h3(self.theme.txt(self.L("method.conventions"))),
                    self.kv_table(conventions, 0.3),
                ]
            )
        )
        out.append(self.h3(self.theme.txt(self.L("method.figures"))))
        out.append(self.para(self.L("method.figures_intro"), "small"))
        for key in HEADLINE_ORDER:
            figure = self.fig(key)
            if figure is None:
                continue
            out.append(self._figure_trail(key, figure))
        out.append(self.h3(self.theme.txt(self.L("method.rules"))))
        out += self.bullets(
            [
                self.L("rule.revenue"),
                self.L("rule.price"),
                self.L("rule.working_capital"),
                self.L("rule.probability"),
                self.L("rule.scenarios"),
                self.L("rule.goal"),
            ]
        )
        return out

    def _figure_trail(self, key: str, figure) -> Flowable:
        theme = self.theme
        value = self.fig_text(key)
        words = self.L(f"formula.{key}")
        lines = [
            f"<b>{theme.txt(self.L(f'figure.{key}'))}</b> = {theme.txt(value)}",
            theme.txt(words),
        ]
        formula = figure.formula
        lines.append(
            f'<font size="7">{theme.txt(self.L("method.formula"))}: {theme.txt(formula)}</font>'
        )
        if figure.inputs:
            shown = "; ".join(
                f"{self._input_name(name)} = {self._input_value(name, raw)}"
                for name, raw in figure.inputs.items()
            )
            lines.append(
                f'<font size="7">{theme.txt(self.L("method.inputs"))}: {theme.txt(shown)}</font>'
            )
        note = self._figure_note(key, figure)
        if note:
            lines.append(f'<font size="7.5">{theme.txt(note)}</font>')
        paragraph = para("<br/>".join(lines), theme["body"])
        table = Table([[paragraph]], colWidths=[self.frame_width], hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("LINEBEFORE", (0, 0), (0, 0), 2, tint(theme.primary, 0.5)),
                    ("LEFTPADDING", (0, 0), (-1, -1), 8),
                    ("TOPPADDING", (0, 0), (-1, -1), 2),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        return KeepTogether([table, self.space(2)])

    def _figure_note(self, key: str, figure) -> str:
        """A figure's note in the document's language where the table has it."""
        if key == "irr":
            return self.irr_explanation() if self.ev.irr.status != "unique" else ""
        if key == "roi" and figure.value is None:
            return self.L("financials.roi_undefined")
        return figure.note

    def _input_name(self, name: str) -> str:
        from valueframe.i18n import MissingLabel

        try:
            return self.L(f"input.{name}")
        except MissingLabel:
            value_id, _, stream = name.partition(".")
            names = {v.id: v.name for v in self.case.values}
            if value_id in names and stream:
                return f"{names[value_id]} ({self.T(f'stream.{stream}')})"
            return name.replace("_", " ")

    def _input_value(self, name: str, raw: str) -> str:
        try:
            number = Decimal(raw)
        except ArithmeticError:
            return raw
        if name in ("periods", "day_count"):
            return self.fmt.number(number, 0)
        if "rate" in name:
            return self.fmt.rate(number)
        if name in ("probability", "scope_multiplier"):
            return self.fmt.number(number, 4)
        if name in ("movement", "gap") and self.ev.goal is not None:
            return self.fmt.quantity(number, self.ev.goal.unit)
        return self.fmt.money(number)
