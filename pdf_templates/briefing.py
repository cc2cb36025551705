"""The rep's briefing for the next meeting: internal, marked so on every page.

What to ask, chosen by the case: for each element of the frame (goal, key issues,
solution, values) the question bank's *confirm-deviation* and *guiding* questions, with the
case's own content beside them; the diagnostic questions of every grid cell where a key
issue sits; the stage-check findings still open; and the assumptions not yet confirmed by
the customer (estimates and benchmarks) with the values that rest on them.
"""

from __future__ import annotations

import datetime as dt
import io

from reportlab.platypus import Flowable, KeepTogether, PageBreak

from pdf_templates import document
from pdf_templates.base import Renderer, priority
from pdf_templates.document import Document, toc
from pdf_templates.styles import para
from valueframe.evaluation import Evaluation
from valueframe.grid import cell as grid_cell
from valueframe.grid import grid_codes
from valueframe.i18n import t
from valueframe.model import STAGES, ValueCase
from valueframe.questions import ELEMENTS, QUESTION_TYPES, questions

LONG = 8  # pages: a longer briefing gets a table of contents


def render_briefing(
    case: ValueCase,
    evaluation: Evaluation,
    locale: str | None = None,
    *,
    on: dt.date | None = None,
) -> bytes:
    """The internal briefing PDF of ``case`` (bytes); arguments and errors as
    :func:`pdf_templates.render_proposal`."""
    return _Briefing(case, evaluation, locale, on).render()


class _Briefing(Renderer):
    kind = "briefing"

    def render(self) -> bytes:
        pdf, pages = self._build(with_toc=False)
        if pages > LONG:
            pdf, _ = self._build(with_toc=True)
        return pdf

    def _build(self, with_toc: bool) -> tuple[bytes, int]:
        buffer = io.BytesIO()
        doc = Document(buffer, self.theme, self.running(), self.metadata(), self._cover_page)
        document.build(doc, self.story(with_toc), multi=with_toc)
        return buffer.getvalue(), doc.page

    def story(self, with_toc: bool = False) -> list[Flowable]:
        case = self.case
        meta = [
            (self.L("cover.prepared_for"), case.customer.name),
            (self.L("briefing.stage"), self.T(f"stage.{case.stage}")),
            (self.L("cover.prepared_by"), case.seller.name),
            (self.L("cover.date"), self.fmt.date(self.on)),
            (self.L("cover.version"), f"{self.ev.methodology_version} · {self.ev.input_hash[:12]}"),
        ]
        story = self.cover(
            self.L("briefing.kicker"),
            self.L("briefing.subtitle", customer=case.customer.name),
            meta,
        )
        if with_toc:
            story += [
                self.p(self.theme.txt(self.L("toc")), "h1"),
                self._rule(),
                toc(self.theme),
                PageBreak(),
            ]
        sections = (self.glance, self.guide, self.diagnostics, self.findings, self.assumptions)
        first = True
        for section in sections:
            flowables = section()
            if not flowables:
                continue
            if not first:
                story.append(self.new_section(70))
            story += flowables
            first = False
        return story

    # -- at a glance ------------------------------------------------------------------------

    def glance(self) -> list[Flowable]:
        case, ev, fmt = self.case, self.ev, self.fmt
        out = self.heading("briefing.section.glance", "glance")
        out.append(self.para(self.L("briefing.purpose"), "lead"))
        headline = ev.headline
        rows = []
        if case.goal is not None:
            rows.append((self.T("element.goal"), case.goal.statement))
        rows += [
            (self.L("kpi.npv"), fmt.money(headline["npv"].value)),
            (self.L("kpi.roi"), fmt.percent(headline["roi"].value)),
            (self.L("kpi.payback"), fmt.years(headline["payback_years"].value)),
        ]
        if ev.goal is not None and ev.goal.attainment.value is not None:
            rows.append((self.L("figure.goal_attainment"), fmt.percent(ev.goal.attainment.value)))
        counts = {
            s: sum(1 for f in ev.findings if f.severity == s) for s in ("error", "warning", "info")
        }
        rows.append(
            (self.L("briefing.findings_count"), self.L("briefing.findings_value", **counts))
        )
        rows.append((self.L("briefing.open_count"), str(len(self._open_assumptions()))))
        out.append(self.kv_table(rows, 0.3))
        out.append(self.space(3))
        out.append(self.para(self.L("briefing.how_to"), "small"))
        return out

    # -- the question guide per element ------------------------------------------------------

    def guide(self) -> list[Flowable]:
        out = self.heading("briefing.section.guide", "guide")
        out.append(self.para(self.L("briefing.guide_intro"), "body"))
        for element in ELEMENTS:
            block = [self.h2(self.T(f"element.{element}"))]
            context = self._context(element)
            if context:
                block.append(self.p(self.theme.txt(self.L("briefing.in_the_frame")), "kpi_label"))
                block += self.bullets(context)
            out.append(KeepTogether(block))
            for kind in QUESTION_TYPES:
                bank = questions(element=element, type=kind)
                if not bank:
                    continue
                out.append(self.h3(self.theme.txt(self.T(f"question_type.{kind}"))))
                out += self._questions(bank)
        return out

    def _context(self, element: str) -> list[str]:
        case, fmt = self.case, self.fmt
        if element == "goal":
            goal = case.goal
            if goal is None:
                return [self.L("word.no_goal")]
            line = self.L(
                "briefing.goal_line",
                metric=goal.metric,
                baseline=fmt.quantity(goal.baseline, goal.unit),
                target=fmt.quantity(goal.target, goal.unit),
            )
            return [goal.statement, line]
        if element == "issue":
            selected = sorted((i for i in case.issues if i.selected), key=lambda i: -priority(i))
            return [
                f"{self.number[i.id]}. {i.title} ({i.kind}, {self.cell_label(i.cell)})"
                for i in selected
            ]
        if element == "solution":
            solution = case.solution
            if solution is None:
                return [self.L("word.no_solution")]
            return [
                solution.name,
                *[
                    f"{self.T(f'address_mode.{a.mode}')}: {self.issue_label(a.issue_id)}"
                    for a in solution.addresses
                ],
            ]
        figures = {v.value_id: v for v in self.ev.values}
        out = []
        for value in case.values:
            vf = figures[value.id]
            amount = (
                fmt.money(vf.total_expected)
                if value.kind == "financial"
                else self.T("value_kind.non_financial")
            )
            out.append(f"{value.name}: {amount} · {self.T(f'evidence.{value.evidence}')}")
        return out

    def _questions(self, bank) -> list[Flowable]:
        theme = self.theme
        out = []
        for number, question in enumerate(bank, start=1):
            text = question.text[self.locale]
            purpose = (question.purpose or {}).get(self.locale, "")
            markup = f"<b>{number}.</b>&nbsp;&nbsp;{theme.txt(text)}"
            if purpose:
                muted = theme.color("muted").hexval()[2:]
                markup += f'<br/><font size="7.5" color="#{muted}">{theme.txt(purpose)}</font>'
            out.append(para(markup, theme["question"]))
        return out

    # -- diagnostic questions of the cells with key issues --------------------------------------

    def diagnostics(self) -> list[Flowable]:
        selected = [i for i in self.case.issues if i.selected and i.cell is not None]
        codes = [c for c in grid_codes() if any(i.cell.code == c for i in selected)]
        if not codes:
            return []
        out = self.heading("briefing.section.cells", "cells")
        out.append(self.para(self.L("briefing.cells_intro"), "body"))
        for code in codes:
            cell = grid_cell(code)
            here = [i for i in selected if i.cell.code == code]
            block = [
                self.h2(cell.name[self.locale]),
                self.para(cell.definition[self.locale], "small"),
                self.p(self.theme.txt(self.L("briefing.issues_here")), "kpi_label"),
                *self.bullets(f"{self.number[i.id]}. {i.title}" for i in here),
            ]
            out.append(KeepTogether(block))
            out += self._questions(questions(cell=code))
        return out

    # -- stage-check findings ---------------------------------------------------------------

    def findings(self) -> list[Flowable]:
        out = self.heading("briefing.section.findings", "findings")
        findings = self.ev.findings
        if not findings:
            out.append(self.para(self.L("briefing.no_findings"), "body"))
            return out
        out.append(self.para(self.L("briefing.findings_intro"), "body"))
        colours = {"error": "negative", "warning": "warning", "info": "benchmark"}
        for stage in STAGES:
            here = [f for f in findings if f.stage == stage]
            if not here:
                continue
            rows = []
            for finding in here:
                colour = self.theme.color(colours.get(finding.severity, "muted")).hexval()[2:]
                severity = self.theme.txt(self.L(f"severity.{finding.severity}"))
                rows.append(
                    [
                        f'<font color="#{colour}"><b>{severity}</b></font>',
                        self.user(self._finding_message(finding)),
                        f'<font size="7">{self.user(finding.path)}</font>',
                    ]
                )
            out.append(self.h3(self.theme.txt(self.T(f"stage.{stage}"))))
            out.append(
                self.table(
                    [self.L("col.severity"), self.L("col.finding"), self.L("col.path")],
                    rows,
                    (0.13, 0.62, 0.25),
                    markup=True,
                )
            )
        return out

    def _finding_message(self, finding) -> str:
        """The finding in the document's language (the evaluation holds the case's)."""
        try:
            return t(f"finding.{finding.code}", self.locale, **finding.params)
        except (KeyError, IndexError, ValueError):
            return finding.message

    # -- open assumptions -------------------------------------------------------------------

    def _open_assumptions(self):
        return [a for a in self.case.assumptions if a.evidence in ("estimate", "benchmark")]

    def assumptions(self) -> list[Flowable]:
        out = self.heading("briefing.section.assumptions", "assumptions")
        open_ones = self._open_assumptions()
        estimates = [v for v in self.case.values if v.evidence != "confirmed"]
        if not open_ones and not estimates:
            out.append(self.para(self.L("briefing.all_confirmed"), "body"))
            return out
        if open_ones:
            out.append(self.para(self.L("briefing.assumptions_intro"), "body"))
            rows = []
            for assumption in open_ones:
                users = [v.name for v in self.case.values if assumption.id in v.assumption_ids]
                rows.append(
                    [
                        self.user(assumption.name),
                        self.user(f"{assumption.value} {assumption.unit}".strip()),
                        self.user(assumption.source or self.L("word.no_source")),
                        self.evidence_badge(assumption.evidence),
                        self.user("; ".join(users) or "—"),
                    ]
                )
            out.append(
                self.table(
                    [
                        self.L("col.assumption"),
                        self.L("col.value"),
                        self.L("col.source"),
                        self.L("col.evidence"),
                        self.L("col.used_by"),
                    ],
                    rows,
                    (0.27, 0.12, 0.25, 0.14, 0.22),
                    markup=True,
                )
            )
        if estimates:
            out.append(self.h3(self.theme.txt(self.L("briefing.values_to_confirm"))))
            figures = {v.value_id: v for v in self.ev.values}
            rows = []
            for value in estimates:
                vf = figures[value.id]
                amount = (
                    self.fmt.money(vf.total_expected)
                    if value.kind == "financial"
                    else self.T("value_kind.non_financial")
                )
                rows.append(
                    [
                        self.user(value.name),
                        self.evidence_badge(value.evidence),
                        self.user(self.fmt.percent(vf.probability, 0)),
                        self.user(amount),
                    ]
                )
            out.append(
                self.table(
                    [
                        self.L("col.value"),
                        self.L("col.evidence"),
                        self.L("col.probability"),
                        self.L("col.expected_total"),
                    ],
                    rows,
                    (0.46, 0.18, 0.14, 0.22),
                    "lllr",
                    markup=True,
                )
            )
        return out
