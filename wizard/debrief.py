"""A training session seen by its trainer, and its debrief PDF (issue 12).

``session_view`` counts, for every scored question of the scenario, how many attempts matched the model
answer, and scores each attempt. ``debrief_pdf`` prints the same for the debrief: the chart of matches per
question, the questions most often missed, and for every question its title, the model answer and the
reasoning. Plain functions on stored assessments; the page draws the same counts with Altair.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, SimpleDocTemplate, Spacer, Table, TableStyle

from wizard import training
from wizard.guidance_schema import Guidance
from wizard.locale_format import local_text
from wizard.model import Assessment
from wizard.record_fonts import SANS, register_fonts
from wizard.record_text import para
from wizard.scenarios import Scenario

MOST_MISSED = 5


@dataclass(frozen=True)
class AttemptRow:
    id: str
    trainee: str
    matched: int
    scored: int
    percent: int
    updated_at: datetime


@dataclass(frozen=True)
class SessionView:
    rows: list[dict[str, Any]]  # per scored question: step, question, matched, attempts, annotation, model
    attempts: list[AttemptRow]


def question_title(g: Guidance, screen_id: str, question_id: str) -> str:
    """A scored question in the screen's words; a table's row as "question › form" or "question › measure"."""
    screen = g.screen(screen_id)
    if screen.kind in ("article6", "determination"):
        return screen.field(question_id).label
    qid, _, row = question_id.partition(training.ROW)
    q = screen.question(qid)
    if not row:
        return q.label
    forms = {f.id: f.label for f in g.catalogues.gbv_forms}
    measures = {o.id: o.label for c in q.columns if c.id == "measure" for o in c.options}
    return g.t("row_of_question", question=q.label, row=forms.get(row) or measures.get(row) or row)


def step_title(g: Guidance, screen_id: str) -> str:
    screen = g.screen(screen_id)
    return screen.short_title or screen.title


def session_view(g: Guidance, s: Scenario, attempts: list[Assessment]) -> SessionView:
    per_question: dict[tuple[str, str], dict[str, Any]] = {}
    rows: list[AttemptRow] = []
    for a in attempts:
        scores = training.compare(a, s, g)
        matched, scored = training.total(scores)
        rows.append(AttemptRow(a.id, a.officer or "—", matched, scored,
                               round(100 * matched / scored) if scored else 100, a.updated_at))
        for step in scores:
            for c in step.comparisons:
                if not c.scored:
                    continue
                row = per_question.setdefault((c.screen_id, c.question_id), {
                    "step": step_title(g, c.screen_id), "question": question_title(g, c.screen_id, c.question_id),
                    "screen_id": c.screen_id, "question_id": c.question_id, "matched": 0, "attempts": 0,
                    "annotation": c.annotation, "model": c.model})
                row["attempts"] += 1
                row["matched"] += int(c.matched)
    return SessionView(list(per_question.values()), rows)


def most_missed(view: SessionView, n: int = MOST_MISSED) -> list[dict[str, Any]]:
    """The questions fewest trainees matched (only those someone missed), worst first, in screen order on ties."""
    missed = [r for r in view.rows if r["matched"] < r["attempts"]]
    return sorted(missed, key=lambda r: r["matched"] / r["attempts"])[:n]


def _chart(rows: list[dict[str, Any]], first: int, width: float) -> Drawing:
    """Bars per question of one step (numbered as in the table at the end, from ``first``): matched in green,
    missed in red."""
    n = len(rows)
    height = 12 * n + 26
    d = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 28, 16, width - 40, height - 22
    chart.data = [[r["matched"] for r in reversed(rows)], [r["attempts"] - r["matched"] for r in reversed(rows)]]
    chart.categoryAxis.categoryNames = [str(first + i) for i in range(n - 1, -1, -1)]
    chart.categoryAxis.style = "stacked"
    chart.categoryAxis.labels.fontName = SANS
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.labels.fontName = SANS
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max((r["attempts"] for r in rows), default=1)
    chart.valueAxis.valueStep = 1 if chart.valueAxis.valueMax <= 12 else None
    chart.bars[0].fillColor = colors.HexColor("#2e7d32")
    chart.bars[1].fillColor = colors.HexColor("#c62828")
    chart.bars.strokeWidth = 0
    d.add(chart)
    return d


def debrief_pdf(g: Guidance, s: Scenario, session: Any, attempts: list[Assessment]) -> bytes:
    """The session's debrief: who, what, the chart, the most missed questions, and every question's model
    answer and reasoning."""
    register_fonts()
    view = session_view(g, s, attempts)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm,
                            bottomMargin=18 * mm, title=g.t("debrief_title", title=s.title), author=session.trainer,
                            creator="att-7-4-wizard debrief 1", lang=g.language, invariant=1,
                            initialFontName=SANS)
    width = A4[0] - 36 * mm
    story: list[Any] = [
        para(g.t("debrief_title", title=s.title), "title"),
        para(g.t("debrief_subtitle", code=session.code, session=session.title, trainer=session.trainer,
                 date=local_text(session.created_at, g.language), n=len(attempts)), "subtitle"),
        para(g.t("training_watermark_note"), "small"),
        Spacer(1, 3 * mm),
        para(g.t("debrief_summary_heading"), "h2"),
        para(s.summary, "body"),
        Spacer(1, 3 * mm),
        para(g.t("debrief_chart_heading"), "h2"),
    ]
    number = 1
    for step in dict.fromkeys(r["step"] for r in view.rows):  # one chart per step, in screen order
        rows = [r for r in view.rows if r["step"] == step]
        story.append(KeepTogether([para(step, "label"), _chart(rows, number, width)]))
        number += len(rows)
    story += [Spacer(1, 2 * mm), para(g.t("debrief_missed_heading"), "h2")]
    missed = most_missed(view)
    if not missed:
        story.append(para(g.t("debrief_none_missed"), "body"))
    for r in missed:
        story.append(para(g.t("debrief_missed_line", step=r["step"], question=r["question"], matched=r["matched"],
                              attempts=r["attempts"]), "body"))
    story += [Spacer(1, 3 * mm), para(g.t("debrief_questions_heading"), "h2")]
    table = [[para("#", "cell_head"), para(g.t("debrief_col_question"), "cell_head"),
              para(g.t("debrief_col_matched"), "cell_head"), para(g.t("debrief_col_model"), "cell_head")]]
    previous = None
    for i, r in enumerate(view.rows, start=1):
        # The rows of one table (a form, a measure) share their question's reasoning: printed once.
        reasoning = g.t("debrief_see_above") if r["annotation"] == previous else r["annotation"]
        previous = r["annotation"]
        table.append([para(str(i), "cell"), para(f"{r['step']} · {r['question']}", "cell"),
                      para(f"{r['matched']}/{r['attempts']}", "cell"),
                      para(f"{training.answer_in_words(g, r['screen_id'], r['question_id'], r['model'])} — {reasoning}",
                           "cell")])
    t = Table(table, colWidths=[8 * mm, 0.33 * width, 20 * mm, width - 28 * mm - 0.33 * width], repeatRows=1)
    t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
                           ("VALIGN", (0, 0), (-1, -1), "TOP"),
                           ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee"))]))
    story += [t, Spacer(1, 3 * mm), para(g.t("feedback_model_determination"), "h2"),
              para(s.determination.annotation, "body")]
    doc.build(story)
    return buf.getvalue()
