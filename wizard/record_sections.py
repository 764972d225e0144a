"""The body of the PDF record, section by section, in the wizard's order (read from the guidance).

Every string a user typed goes through ``record_text.para``/``rich`` (escaped, font fallback). Labels come
from the guidance where it has them (screen titles, field, question, option and catalogue labels), so a
translated guidance gives a translated record.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from datetime import date, datetime

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, PageBreak, Spacer, Table, TableStyle

from wizard import contract, flow
from wizard import item_outcomes as io
from wizard.guidance_schema import Column, Guidance, Question, Screen
from wizard.locale_format import amount_text, date_text, number_text, utc_text
from wizard.model import INSUFFICIENT, Answer, Assessment, approval_holds, content_sha256
from wizard.record_flowchart import flowchart
from wizard.record_fonts import SANS, describe_char
from wizard.record_labels import label
from wizard.record_text import ALERT_BG, BLOCK, BLOCK_BG, RULE, SHADE, Piece, para, rich, web_links

Story = list[Flowable]
BRIEF_REASONS_CHARS = 700
SIGNATURE_BOX = 15 * mm
COVER_ITEMS = 4  # items listed on page 1; the case section lists them all


class RecordContext:
    """What every section needs: the assessment, the guidance, the frame width and derived lookups."""

    def __init__(self, a: Assessment, g: Guidance, width: float, fingerprint: str,
                 unshown: list[tuple[str, str]]):
        self.a = a
        self.g = g
        self.width = width
        self.fingerprint = fingerprint
        self.unshown = unshown
        self.source_ids = set(a.source_ids())
        self.semi = g.t("list_separator")  # "; " in English, "；" in Chinese
        self.comma = g.t("comma_separator")  # ", " in English, "、" in Chinese

    def when(self, value: date | datetime | None) -> str:
        """A date, or a moment in UTC (as the record says), in the record's language."""
        if isinstance(value, datetime):
            return utc_text(value, self.g.language)
        return date_text(value, self.g.language)

    def number(self, value: int | None) -> str:
        return number_text(value, self.g.language)

    def amount(self, value: float | None) -> str:
        return amount_text(value, self.g.language)

    def L(self, key: str, **kw: object) -> str:  # short on purpose: used on every line
        return label(self.g, key, **kw)

    def field(self, screen_kind: str, name: str, fallback_key: str | None = None) -> str:
        """A field label from the guidance screen of this kind, else a record label, else the name."""
        for s in self.g.screens:
            if s.kind == screen_kind and name in s.fields:
                return s.fields[name].label
        return self.L(fallback_key) if fallback_key else name.replace("_", " ").capitalize()

    def tri(self, value: str | bool | None) -> str:
        if value is True:
            value = "yes"
        elif value is False:
            value = "no"
        if value is None:
            return self.g.catalogues.answers.get("not_answered") or self.L("not_answered")
        return self.g.catalogues.answers.get(value) or self.L({"yes": "yes", "no": "no"}.get(value, "insufficient"))

    def cite(self, ids: Iterable[str]) -> list[Piece]:
        """Sources by their register id ([S3], the id the officer saw and the consistency messages use), each a
        link to its entry in the evidence register."""
        out: list[Piece] = []
        for sid in ids:
            if out:
                out.append((" ", "regular"))
            if sid in self.source_ids:
                out.append((f"[{sid}]", "regular", f"#{source_anchor(sid)}"))
            else:
                out.append((self.L("not_in_register", id=sid), "regular"))
        return out

    def form_label(self, form_id: str) -> str:
        return flow.form_label(self.g, form_id)


# ---------------------------------------------------------------------------------------------------------
# Small building blocks


def source_anchor(source_id: str) -> str:
    """The link target of a source's entry in the evidence register."""
    return "src-" + "".join(c if c.isalnum() else "-" for c in source_id)


class RecordTable(Table):
    """A table that splits between rows, and inside a row only when that row would not fit on a fresh page.

    ReportLab's ``splitInRow`` otherwise splits a row at the foot of any page, even when the row would fit on
    the next one, and repeats the header above a sliver of a row. A row of user text can be longer than a
    page (a 100,000-character source title), so splitting inside rows cannot simply be turned off.
    """

    MIN_IN_ROW_SPLIT_HEIGHT = 300.0  # points: about 40% of an A4 or Letter frame

    def split(self, availWidth, availHeight):  # ReportLab's names
        in_row = self.splitInRow
        if availHeight < self.MIN_IN_ROW_SPLIT_HEIGHT:
            self.splitInRow = 0
        try:
            parts = super().split(availWidth, availHeight)
        finally:
            self.splitInRow = in_row
        for p in parts:
            p.hAlign = "LEFT"  # ReportLab's in-row split forgets the alignment
        return parts


def _grid(rows: list[list[Flowable]], widths: list[float], *, header: bool = True,
          shaded: list[tuple[int, int]] = ()) -> Table:
    """A table that splits across pages (also inside a tall row) and repeats its header row."""
    widths = _fit_widths(rows, widths)
    t = RecordTable(rows, colWidths=widths, repeatRows=1 if header else 0, splitInRow=1, hAlign="LEFT")
    style = [
        ("FONTNAME", (0, 0), (-1, -1), SANS),  # else ReportLab selects (unembedded) Helvetica in every cell
        ("GRID", (0, 0), (-1, -1), 0.4, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), SHADE))
    style += [("BACKGROUND", (c, r), (c, r), ALERT_BG) for c, r in shaded]
    t.setStyle(TableStyle(style))
    return t


CELL_PADDING = 6.0
LONG_TOKEN_SHARE = 0.25


def _min_width(cell: object) -> float:
    if isinstance(cell, list):
        return max((_min_width(c) for c in cell), default=0.0)
    min_width = getattr(cell, "minWidth", None)
    return float(min_width()) if min_width else 0.0


def _fit_widths(rows: list[list[Flowable]], widths: list[float]) -> list[float]:
    """Widen columns whose longest word would otherwise be broken (e.g. "Non-governmental"), taking the
    room from columns that have some to spare. Tokens longer than a quarter of the table (URLs, long
    unbroken strings) are broken anyway and claim no room."""
    total = sum(widths)
    limit = total * LONG_TOKEN_SHARE

    def need(i: int) -> float:
        fits = [m for r in rows if i < len(r) for m in [_min_width(r[i])] if m <= limit]
        return max(fits, default=0.0) + CELL_PADDING

    needs = [need(i) for i in range(len(widths))]
    deficit = sum(max(0.0, n - w) for n, w in zip(needs, widths, strict=True))
    slack = [max(0.0, w - n) for n, w in zip(needs, widths, strict=True)]
    if deficit <= 0.01 or sum(slack) <= 0.01:
        return list(widths)
    take = min(deficit, sum(slack))
    grant, give = take / deficit, take / sum(slack)
    out = [w + (n - w) * grant if n > w else w - sl * give for n, w, sl in zip(needs, widths, slack, strict=True)]
    return out


def _kv(ctx: RecordContext, pairs: list[tuple[str, str]], key_share: float = 0.3) -> Table:
    rows = [[para(k, "label"), para(v, "cell")] for k, v in pairs]
    t = _grid(rows, [ctx.width * key_share, ctx.width * (1 - key_share)], header=False)
    t.setStyle(TableStyle([("BACKGROUND", (0, 0), (0, -1), SHADE)]))
    return t


KEEP_BELOW = {"h1": 45 * mm, "h2": 30 * mm, "question": 22 * mm}


class OutlineEntry(Flowable):
    """An entry in the PDF's outline (the reader's bookmarks pane), pointing at the page where it is drawn."""

    LEVELS = {"h1": 0, "h2": 1}

    def __init__(self, title: str, level: str = "h1"):
        super().__init__()
        self.title, self.level = title, self.LEVELS.get(level, 1)
        self.width = self.height = 0

    def wrap(self, availWidth, availHeight):  # ReportLab's names
        return 0, 0

    def draw(self) -> None:
        _x, y = self.canv.absolutePosition(0, 0)
        self.canv.add_outline_entry(self.title, self.level, y)  # record_canvas.PagedCanvas


def _heading(text: str, level: str = "h1") -> Flowable:
    """A heading that never ends a page: it starts a new page unless some room is left below it. It is also an
    entry of the PDF's outline.

    (CondPageBreak rather than keepWithNext: keeping a heading with a long table would push the whole table
    to the next page and leave the rest of this one empty.)"""
    room = CondPageBreak(KEEP_BELOW[level])
    heading = KeepTogether([room, OutlineEntry(text, level), para(text, level)])
    heading.room = room  # type: ignore[attr-defined]  # raised by _keep_headings_with_tables
    return heading


HEADING_HEIGHT = 12 * mm


def _keep_headings_with_tables(story: Story, width: float, frame_height: float) -> Story:
    """A heading followed by a table needs room for the table's first row too (and its header row): a tall
    first row (a source with long findings) would otherwise leave the heading alone at the foot of a page."""
    for here, after in itertools.pairwise(story):
        room = getattr(here, "room", None)
        if room is None or not isinstance(after, Table):
            continue
        after.wrap(width, frame_height)
        heights = getattr(after, "_rowHeights", None) or []
        need = sum(heights[:1 + (after.repeatRows or 0)]) + HEADING_HEIGHT
        if room.height < need < frame_height:
            room.height = need
    return story


def _short(catalogue_label: str) -> str:
    """"United Nations (treaty bodies, ...)" -> "United Nations": the table keeps the catalogue's name only."""
    return catalogue_label.split(" (", 1)[0]


def _brief(text: str, limit: int) -> tuple[str, bool]:
    if len(text) <= limit:
        return text, False
    cut = text[:limit]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut), True


# ---------------------------------------------------------------------------------------------------------
# Cover


COVER_VALUE_CHARS = 160
"""A field on the cover is cut with "…" beyond this; the case section prints it in full. Without the cut, a
2,000-character reference pushed the cover (and the fingerprint) onto a second page."""


def _cover(text: str) -> str:
    brief, cut = _brief(text, COVER_VALUE_CHARS)
    return brief + "…" if cut else text


def _choice_label(ctx: RecordContext, ref: contract.QuestionRef) -> str:
    """A choice question's answer in the guidance's words ("insufficient information", "not answered")."""
    ans = ctx.a.answer(ref.screen_id, ref.id)
    if ans.insufficient:
        return ctx.L("insufficient")
    q = ctx.g.screen(ref.screen_id).question(ref.id)
    return next((o.label for o in q.options if o.id == ans.value), ctx.L("not_answered"))


def _forms_where(ctx: RecordContext, yes: contract.OptionRef) -> list[str] | None:
    """The forms whose row answers ``yes`` in its column; None while no row has an answer in that column."""
    col = yes.owner
    assert isinstance(col, contract.ColumnRef)
    rows = flow.rows_of(ctx.a.answer(col.screen_id, col.question.id))
    if not any(r.get(col.id) for r in rows):
        return None
    return [ctx.form_label(str(r.get("row"))) for r in rows if r.get(col.id) == yes.id]


def step_findings(ctx: RecordContext) -> list[tuple[str, str]]:
    """One line per flowchart step, in the wizard's order: (the step as the wizard names it, its finding)."""
    found: dict[str, str] = {}
    for screen_id, yes, key in ((contract.PREVALENCE.id, contract.PREVALENT_YES, "found_prevalent"),
                                (contract.SERIOUSNESS.id, contract.SERIOUS_YES, "found_serious")):
        forms = _forms_where(ctx, yes)
        found[screen_id] = (ctx.L("not_answered") if forms is None else
                            ctx.L(key, forms=ctx.semi.join(forms)) if forms else ctx.L(f"{key}_none"))
    found[contract.PREVENTION.id] = _choice_label(ctx, contract.EFFECTIVENESS)
    found[contract.MITIGATION.id] = _choice_label(ctx, contract.RESIDUAL_RISK)
    found[contract.OVERRIDING_RISK.id] = ctx.tri(ctx.a.determination.overriding_risk)
    lines = []
    for pos in flow.positions(ctx.g):
        s = pos.screen
        if s.flowchart_step is not None and s.id in found:
            question = ctx.L(f"step_finding_{s.id}")
            lines.append((flow.screen_label(ctx.g, s), f"{question} {found[s.id]}"))
    return lines


def _items_line(ctx: RecordContext) -> str:
    items = ctx.a.case.items
    if not items:
        return "—"
    parts = []
    for item in items[:COVER_ITEMS]:
        category = ctx.g.catalogues.item_categories.get(item.category or "", "") if item.category else ""
        amount = f"{ctx.number(item.quantity)} × " if item.quantity is not None else ""
        value = f" ({ctx.amount(item.value)} {item.currency})".rstrip() if item.value is not None else ""
        parts.append(f"{amount}{_cover(item.description.strip() or '—')}"
                     + (f" [{_short(category)}]" if category else "") + value)
    if len(items) > COVER_ITEMS:
        parts.append(ctx.L("more_items", n=len(items) - COVER_ITEMS))
    return ctx.semi.join(parts)


def _total_value(ctx: RecordContext) -> str:
    by_currency: dict[str, float] = {}
    for item in ctx.a.case.items:
        if item.value is not None:
            by_currency[item.currency or "?"] = by_currency.get(item.currency or "?", 0.0) + item.value
    return " + ".join(f"{ctx.amount(v)} {c}" for c, v in sorted(by_currency.items())) or "—"


def cover(ctx: RecordContext) -> Story:
    """Page 1: the decision first, then what it is about, each step's finding, anything that stops it, and who
    signed; the record's details follow on page 2 (``details``)."""
    a, d = ctx.a, ctx.a.determination
    decision_rows: list[list[Flowable]] = [
        [para(ctx.L("decision"), "box_head")],
        [para(overall_outcome_text(ctx), "decision")],
        [rich([(ctx.L("legal_basis") + ": ", "bold"), (legal_basis(ctx), "regular")])],
        *([rich([(f"{_cover(name)}: ", "bold"), (f"{outcome} — {basis}", "regular")])]
          for name, outcome, basis, _note in item_outcome_lines(ctx)),
        [rich([(ctx.L("overriding_risk") + ": ", "bold"), (ctx.tri(d.overriding_risk), "regular"), ("  ·  ", "regular"),
               (ctx.L("gbv_ground") + ": ", "bold"), (ctx.tri(d.gbv_ground), "regular")])],
    ]
    if a.article6.prohibited:
        decision_rows.append([para(ctx.L("art6_prohibited"), "insufficient")])
    decision = Table(decision_rows, colWidths=[ctx.width], splitInRow=1, hAlign="LEFT")
    decision.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), SANS), ("BOX", (0, 0), (-1, -1), 1.5, RULE),
        ("BACKGROUND", (0, 0), (-1, -1), SHADE), ("LEFTPADDING", (0, 0), (-1, -1), 8),
        ("RIGHTPADDING", (0, 0), (-1, -1), 8), ("TOPPADDING", (0, 0), (-1, 0), 6),
        ("BOTTOMPADDING", (0, -1), (-1, -1), 8),
    ]))
    story: Story = [
        OutlineEntry(ctx.L("title")),
        para(ctx.L("title"), "title"),
        # Before anything of variable length: the fingerprint is always in the same place on page 1.
        para(ctx.L("fingerprint"), "label"),
        para(ctx.fingerprint, "fingerprint"),
        Spacer(1, 3 * mm),
        decision,
    ]
    if notice := ctx.g.t("translation_notice"):  # a version other than English says what it is, on page 1
        story += [Spacer(1, 1.5 * mm), para(notice, "small")]
    # What stops this decision comes next, in words as well as in red: a greyscale copy says it too.
    blockers = flow.blocking(flow.check(ctx.g, a))
    if blockers:
        rows = [[para(ctx.L("blocking_head", n=len(blockers)), "alert_head")],
                *([para(f"{ctx.L('blocking_mark')} {b.message}", "alert")] for b in blockers)]
        alert = Table(rows, colWidths=[ctx.width], hAlign="LEFT")
        alert.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1.5, BLOCK), ("BACKGROUND", (0, 0), (-1, -1), BLOCK_BG),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 8), ("RIGHTPADDING", (0, 0), (-1, -1), 8)]))
        story += [Spacer(1, 3 * mm), alert]
    case = a.case
    story += [Spacer(1, 3 * mm), _kv(ctx, [
        (ctx.field("case", "reference"), _cover(case.reference) or "—"),
        (ctx.field("case", "importing_state"), _cover(case.importing_state) or "—"),
        (ctx.field("case", "end_user"), _cover(case.end_user) or "—"),
        (ctx.L("items"), _items_line(ctx)),
        (ctx.L("total_value"), _total_value(ctx)),
    ])]
    story += [Spacer(1, 3 * mm), para(ctx.L("steps_head"), "label"),
              _kv(ctx, step_findings(ctx), key_share=0.34)]
    open_items = len(flow.all_open_items(ctx.g, a))
    s = a.signoff
    story += [Spacer(1, 3 * mm), _kv(ctx, [
        (ctx.L("open_items"), str(open_items) if open_items else ctx.L("no_open_items")),
        (ctx.L("review_date"), ctx.when(d.review_date)),
        (ctx.L("officer"), f"{_cover(s.officer or a.officer or '—')} · {ctx.when(s.officer_date)}"),
        (ctx.L("reviewer"), f"{_cover(s.reviewer or '—')} · {ctx.when(s.reviewer_date)}"),
        (ctx.L("review"), review_line(ctx)),
    ])]
    reasons, cut = _brief(d.reasons, BRIEF_REASONS_CHARS)
    story += [Spacer(1, 3 * mm), rich([(ctx.L("reasons_brief") + ": ", "bold"), (reasons or "—", "regular")])]
    if cut:
        story.append(para(ctx.L("reasons_continued", section=ctx.L("determination")), "small"))
    story.append(PageBreak())
    return story


def review_line(ctx: RecordContext) -> str:
    """The four-eyes review in one line: who approved, when, and whether it matches what this record prints."""
    r = ctx.a.review
    if r.status == "approved":
        holds = approval_holds(ctx.a)
        return ctx.L("review_approved", reviewer=_cover(r.reviewer or "—"), date=ctx.when(r.approved_at),
                     matches=ctx.L("review_matches") if holds else ctx.L("review_does_not_match"))
    return ctx.L(f"review_status_{r.status}")


def review_section(ctx: RecordContext) -> Story:
    """Page 2: the review in full (status, approval, the content's SHA-256, every comment) and, where people
    were not signed in, that identities were not verified."""
    a, r = ctx.a, ctx.a.review
    rows = [(ctx.L("review"), review_line(ctx)),
            (ctx.L("review_submitted"), f"{_cover(r.submitted_by or '—')} · {ctx.when(r.submitted_at)}"),
            (ctx.L("review_content_sha256"), content_sha256(a))]
    if r.approved_sha256:
        rows.append((ctx.L("review_approved_sha256"), r.approved_sha256))
    story: Story = [_heading(ctx.L("review_heading"), "h2"), _kv(ctx, [(k, _cover(v)) for k, v in rows])]
    screens = {s.id: s.short_title or s.title for s in ctx.g.screens}
    for c in r.comments:
        where = screens.get(c.screen, c.screen) if c.screen else ctx.L("review_whole")
        story.append(rich([(f"{where} · {c.by} · {ctx.when(c.at)}: ", "bold"), (c.text, "regular")], "small"))
    if not a.identities_verified:
        story.append(para(ctx.L("identities_not_verified"), "small"))
    return [*story, Spacer(1, 3 * mm)]


def details(ctx: RecordContext) -> Story:
    """Page 2 opens with the record's own details, then the disclaimer."""
    a = ctx.a
    status = ctx.L(f"status_{a.status}") + (f" · {ctx.L('training')}" if a.training else "")
    used = ctx.g.stamp
    guidance_text = a.guidance_version if a.guidance_version == used else ctx.L(
        "guidance_rendered", recorded=a.guidance_version or "—", used=used)
    rows = [
        (ctx.L("record_id"), a.id),
        (ctx.L("revision"), str(a.revision)),
        (ctx.L("status"), status),
        (ctx.L("language"), ctx.L(f"language_{a.language}")),
        *([(ctx.L("language_of_record"), ctx.L(f"language_{ctx.g.language}"))] if ctx.g.language != a.language
          else []),
        (ctx.L("marking"), a.case.protective_marking or ctx.L("no_marking")),
        (ctx.L("created"), ctx.when(a.created_at)),
        (ctx.L("updated"), ctx.when(a.updated_at)),
        (ctx.L("finalised"), ctx.when(a.finalised_at)),
        (ctx.L("guidance_version"), guidance_text),
    ]
    return [_heading(ctx.L("details"), "h2"), _kv(ctx, [(k, _cover(v)) for k, v in rows]), Spacer(1, 3 * mm),
            *review_section(ctx),
            para(ctx.L("disclaimer"), "label"), para(ctx.g.meta.disclaimer, "small"),
            *([para(notice, "small")] if (notice := ctx.g.t("translation_notice")) else []), Spacer(1, 4 * mm)]


# ---------------------------------------------------------------------------------------------------------
# Case and Article 6


def case_section(ctx: RecordContext, screen: Screen) -> Story:
    c = ctx.a.case
    pairs = [(ctx.field("case", k), getattr(c, k) or "—") for k in
             ("reference", "exporter", "importing_state", "end_user", "end_use", "art8_documents",
              "protective_marking")]
    pairs.append((ctx.field("case", "officer"), ctx.a.officer or "—"))  # the assessor, besides the sign-off
    head = [para(t, "cell_head") for t in (
        ctx.L("item_no"), ctx.field("case", "item_description", "item_description"),
        ctx.field("case", "item_category", "item_category"), ctx.field("case", "item_quantity", "item_quantity"),
        ctx.field("case", "item_value", "item_value"))]
    rows: list[list[Flowable]] = [head]
    for i, item in enumerate(c.items, start=1):
        cat = ctx.g.catalogues.item_categories.get(item.category, item.category) if item.category else "—"
        qty = ctx.number(item.quantity)
        value = f"{ctx.amount(item.value)} {item.currency}".strip() if item.value is not None \
            else (item.currency or "—")
        rows.append([para(str(i), "cell"), para(item.description or "—", "cell"), para(cat, "cell"),
                     para(qty, "cell"), para(value, "cell")])
    w = ctx.width
    story: Story = [_heading(screen.title), _kv(ctx, pairs), Spacer(1, 3 * mm),
                    _heading(ctx.field("case", "items", "items"), "h2")]
    if len(rows) > 1:
        story.append(_grid(rows, [w * 0.06, w * 0.44, w * 0.22, w * 0.1, w * 0.18]))
    else:
        story.append(para(ctx.L("no_rows"), "body"))
    return story


def article6_section(ctx: RecordContext, screen: Screen) -> Story:
    story: Story = [_heading(screen.title)]
    if screen.legal_basis:
        story.append(para(screen.legal_basis, "small"))
    for key, part in ctx.a.article6.parts().items():
        story.append(_heading(screen.field(key).label, "question"))
        story.append(_answer_line(ctx, part.answer))
        if key == "p3":  # the answer is given on the reading of "knowledge" the authority applies
            reading = ctx.a.article6.p3_reading
            story.append(rich([(ctx.field("article6", "p3_reading") + ": ", "bold"),
                               (ctx.g.catalogues.knowledge_readings.get(reading, reading) if reading
                                else ctx.tri(None), "regular")], "answer"))
        if part.reasons:
            story.append(rich([(ctx.field("article6", "reasons", "reasons_brief") + ": ", "bold"),
                               (part.reasons, "regular")], "answer"))
    if ctx.a.article6.prohibited:
        story.append(para(ctx.L("art6_prohibited"), "insufficient"))
    return story


def _answer_line(ctx: RecordContext, value: str | None, insufficient: bool = False) -> Flowable:
    if insufficient or value == INSUFFICIENT:
        return para(ctx.tri(INSUFFICIENT), "insufficient")
    return para(ctx.tri(value), "answer")


# ---------------------------------------------------------------------------------------------------------
# The five steps


def flowchart_section(ctx: RecordContext) -> Story:
    return [
        CondPageBreak(60 * mm),
        _heading(ctx.L("flowchart_caption")),
        flowchart(ctx.g, ctx.width),
        Spacer(1, 2 * mm),
        para(ctx.L("flowchart_why"), "question"),
        para(ctx.g.meta.order_reason, "small"),
    ]


def _option_label(ctx: RecordContext, options: Iterable, options_from: str | None, value: str) -> str:
    if value == INSUFFICIENT:
        return ctx.tri(INSUFFICIENT)
    if options_from == "gbv_forms":
        return ctx.form_label(value)
    return next((o.label for o in options if o.id == value), value)


def _cell(ctx: RecordContext, col: Column, value: object) -> tuple[Flowable, bool]:
    """A table cell and whether it is "insufficient information" (shaded)."""
    if value in (None, "", []):
        return para("—", "cell"), False
    if col.type == "evidence":
        return rich(ctx.cite(value if isinstance(value, list) else [str(value)]), "cell"), False
    if col.type in ("choice", "multi"):
        values = value if isinstance(value, list) else [str(value)]
        text = ctx.semi.join(_option_label(ctx, col.options, col.options_from, str(v)) for v in values)
        if INSUFFICIENT in values:  # a mark as well as the shading: in grey print the shading looks like a header
            return para(f"{ctx.L('insufficient_mark')} {text}", "cell_head"), True
        return para(text, "cell"), False
    return para(str(value) if not isinstance(value, list) else ctx.semi.join(map(str, value)), "cell"), False


def _table_answer(ctx: RecordContext, screen: Screen, q: Question, ans: Answer) -> Story:
    keys = flow.table_row_keys(ctx.g, ctx.a, q)
    rows = flow.rows_of(ans)
    if keys is not None:
        by_key = {r.get("row"): r for r in rows}
        entries = [(ctx.form_label(k), by_key.get(k, {})) for k in keys]
        if not entries:
            return [para(ctx.L("no_rows_filtered"), "answer")]
    else:
        entries = [(f"{ctx.L('row')} {i}", r) for i, r in enumerate(rows, start=1)]
        if not entries:
            return [para(ctx.L("no_rows"), "answer")]
    text_cols = sum(1 for c in q.columns if c.type == "text")
    if len(q.columns) + 1 <= 6 and text_cols <= 1:
        return [_grid_table(ctx, q, entries)]
    return _card_tables(ctx, q, entries)


def _grid_table(ctx: RecordContext, q: Question, entries: list[tuple[str, dict]]) -> Table:
    weights = [2.4] + [{"text": 3.0, "multi": 2.2, "evidence": 1.2}.get(c.type, 1.5) for c in q.columns]
    total = sum(weights)
    widths = [ctx.width * w / total for w in weights]
    first = ctx.L("row_form") if q.rows_from == "gbv_forms" else ctx.L("row")
    rows: list[list[Flowable]] = [[para(first, "cell_head")] + [para(c.label, "cell_head") for c in q.columns]]
    shaded: list[tuple[int, int]] = []
    for r, (name, row) in enumerate(entries, start=1):
        cells: list[Flowable] = [para(name, "cell_head")]
        for ci, col in enumerate(q.columns, start=1):
            cell, insufficient = _cell(ctx, col, row.get(col.id))
            cells.append(cell)
            if insufficient:
                shaded.append((ci, r))
        rows.append(cells)
    return _grid(rows, widths, shaded=shaded)


def _card_tables(ctx: RecordContext, q: Question, entries: list[tuple[str, dict]]) -> Story:
    """One two-column table per row: for tables too wide (or too wordy) for a grid."""
    story: Story = []
    for name, row in entries:
        first = q.columns[0] if q.columns else None
        title = name
        if first is not None and first.type == "choice" and row.get(first.id):
            title = ctx.g.t("label_value", label=name,
                          value=_option_label(ctx, first.options, first.options_from, str(row.get(first.id))))
        rows: list[list[Flowable]] = [[para(title, "cell_head"), para("", "cell")]]
        shaded = []
        for r, col in enumerate(q.columns, start=1):
            cell, insufficient = _cell(ctx, col, row.get(col.id))
            rows.append([para(col.label, "label"), cell])
            if insufficient:
                shaded.append((1, r))
        t = _grid(rows, [ctx.width * 0.28, ctx.width * 0.72], shaded=shaded)
        t.setStyle(TableStyle([("SPAN", (0, 0), (1, 0))]))
        # A row's card moves whole to the next page rather than leave its title behind; one taller than a
        # page splits with its title repeated (the header row).
        story += [KeepTogether([t]), Spacer(1, 2 * mm)]
    return story


def _question(ctx: RecordContext, screen: Screen, q: Question) -> Story:
    ans = ctx.a.answer(screen.id, q.id)
    story: Story = [_heading(q.label, "question")]
    value = None if ans.value in (INSUFFICIENT, "", []) else ans.value
    if ans.insufficient or ans.value == INSUFFICIENT:
        # Stands out; whatever the officer also entered is still printed below it.
        story.append(para(ctx.tri(INSUFFICIENT), "insufficient"))
    if q.type == "table":
        if flow.rows_of(ans) or not ans.insufficient:
            story += _table_answer(ctx, screen, q, ans)
    elif value is None:
        if not ans.insufficient:
            story.append(para(ctx.tri(None), "answer"))
    elif q.type == "choice":
        story.append(para(q.option_label(str(value)), "answer"))
    elif q.type == "multi":
        values = value if isinstance(value, list) else [value]
        story.append(para(ctx.semi.join(q.option_label(str(v)) for v in values), "answer"))
    else:
        story.append(para(str(value), "answer"))
    tail: Story = []
    if ans.reasons:
        tail.append(rich([(ctx.g.t("reasons") + ": ", "bold"), (ans.reasons, "regular")], "answer"))
    if ans.evidence:
        tail.append(rich([(ctx.L("sources_cited") + ": ", "bold"), *ctx.cite(ans.evidence)], "answer"))
    if tail:
        # The reasons and the sources cited stay with the answer they belong to (a short answer, or the end of
        # a table: KeepTogether lets a flowable taller than a page split as before).
        last = story.pop() if len(story) > 1 else None
        story.append(KeepTogether(([last] if last is not None else []) + tail))
    return story


def step_section(ctx: RecordContext, screen: Screen) -> Story:
    story: Story = [CondPageBreak(40 * mm), _heading(flow.screen_label(ctx.g, screen))]
    if screen.legal_basis:
        story.append(para(screen.legal_basis, "small"))
    # The order of steps 5 and 4 is explained once, under the flowchart; the step's heading gives both numbers.
    for q in screen.questions:
        story += _question(ctx, screen, q)
    if screen.id == "overriding_risk":
        story.append(para(ctx.field("determination", "overriding_risk", "overriding_risk"), "question"))
        story.append(_answer_line(ctx, ctx.a.determination.overriding_risk))
    return story


# ---------------------------------------------------------------------------------------------------------
# Evidence register, gaps, consultations


WEAK_RELIABILITY = ("low", "unknown")


def _reliability(ctx: RecordContext, reliability: str) -> Flowable:
    """A source's reliability; a weak one in bold with a word, so that it is seen (in grey print too)."""
    text = ctx.g.catalogues.reliabilities.get(reliability, reliability)
    if reliability in WEAK_RELIABILITY:
        return para(f"{text} — {ctx.L('src_weak')}", "cell_head")
    return para(text, "cell")


def evidence_section(ctx: RecordContext, screen: Screen) -> Story:
    a, g, w = ctx.a, ctx.g, ctx.width
    used = flow.cited_source_ids(a, g)
    short = {s.id: s.short_title or s.title for s in g.screens}
    order = {s.id: i for i, s in enumerate(g.screens)}
    story: Story = [_heading(ctx.L("register"))]
    if a.evidence:
        head = [para(ctx.L(k), "cell_head") for k in
                ("src_no", "src_title", "src_publisher", "src_type", "src_date", "src_reliability", "src_used_in")]
        rows: list[list[Flowable]] = [head]
        for s in a.evidence:
            # 9 pt, in ink: the register is read, not skimmed (findings were 7.5 pt grey).
            title_parts: list[Flowable] = [para(s.title or "—", "register")]
            if s.reference:  # a web address in it is a link
                title_parts.append(rich(web_links(s.reference), "register_note"))
            if s.findings:
                title_parts.append(rich([(ctx.L("src_findings") + ": ", "bold"), (s.findings, "regular")],
                                        "register_note"))
            screens = sorted(used.get(s.id, []), key=lambda sid: order.get(sid, 99))
            rows.append([
                rich([(f"[{s.id}]", "bold")], "cell_head", anchor=source_anchor(s.id)),  # citations link here
                title_parts,
                para(s.publisher or "—", "cell"),
                para(_short(g.catalogues.source_types.get(s.type, s.type)), "cell"),
                para(ctx.when(s.info_date), "cell"),
                _reliability(ctx, s.reliability),
                para(ctx.comma.join(short.get(sid, sid) for sid in screens) or ctx.L("src_not_cited"), "cell"),
            ])
        story.append(_grid(rows, [w * f for f in (0.06, 0.38, 0.14, 0.11, 0.1, 0.1, 0.11)]))
    else:
        story.append(para(ctx.L("no_sources"), "body"))

    story.append(_heading(ctx.L("gaps"), "h2"))
    if a.gaps:
        head = [para(ctx.L(k), "cell_head") for k in
                ("gap_description", "gap_asked_of", "gap_art8", "gap_sent", "gap_answered", "gap_response")]
        rows = [head]
        for gap in a.gaps:
            rows.append([para(gap.description or "—", "cell"), para(gap.asked_of or "—", "cell"),
                         para(ctx.tri(gap.art8_request), "cell"), para(ctx.when(gap.sent_on), "cell"),
                         para(ctx.when(gap.answered_on), "cell"), para(gap.response or "—", "cell")])
        story.append(_grid(rows, [w * f for f in (0.3, 0.15, 0.09, 0.11, 0.11, 0.24)]))
    else:
        story.append(para(ctx.L("no_gaps"), "body"))

    story.append(_heading(ctx.L("consultations"), "h2"))
    if a.consultations:
        head = [para(ctx.L(k), "cell_head") for k in ("con_who", "con_kind", "con_on", "con_advice")]
        rows = [head]
        for c in a.consultations:
            rows.append([para(c.who or "—", "cell"),
                         para(g.catalogues.consultation_kinds.get(c.kind, c.kind), "cell"),
                         para(ctx.when(c.on), "cell"), para(c.advice or "—", "cell")])
        story.append(_grid(rows, [w * f for f in (0.24, 0.16, 0.11, 0.49)]))
    else:
        story.append(para(ctx.L("no_consultations"), "body"))
    return story


# ---------------------------------------------------------------------------------------------------------
# Summary: open warnings, open items, characters not shown


def summary_section(ctx: RecordContext, screen: Screen) -> Story:
    g, a = ctx.g, ctx.a
    titles = {s.id: s.short_title or s.title for s in g.screens}
    story: Story = [CondPageBreak(30 * mm), _heading(screen.title), _heading(ctx.L("checks"), "h2")]
    findings = flow.check(g, a)
    if findings:
        for f in findings:
            sev = ctx.L("severity_error" if f.severity == "error" else "severity_warning")
            story.append(rich([(f"{titles.get(f.screen_id, f.screen_id)} ({sev}): ", "bold"),
                               (f.message, "regular")], "bullet"))
    else:
        story.append(para(ctx.L("no_checks"), "body"))
    story.append(_heading(ctx.L("open_items"), "h2"))
    items = flow.all_open_items(g, a)
    if items:
        for o in (cell for item in items for cell in item.each()):  # each open cell: its row and column
            state = ctx.L("state_insufficient" if o.state == "insufficient" else "state_unanswered")
            where = " › ".join(p for p in (o.label, o.row, o.column) if p)
            story.append(rich([(f"{titles.get(o.screen_id, o.screen_id)}: ", "bold"),
                               (f"{where} — {state}", "regular")], "bullet"))
    else:
        story.append(para(ctx.L("no_open_items"), "body"))
    if ctx.unshown:
        story.append(_heading(ctx.L("unshown"), "h2"))
        story.append(para(ctx.L("unshown_intro"), "body"))
        rows: list[list[Flowable]] = [[para(ctx.L("unshown_field"), "cell_head"),
                                       para(ctx.L("unshown_chars"), "cell_head")]]
        for path, chars in ctx.unshown:
            rows.append([para(path, "cell"), para(ctx.semi.join(describe_char(c) for c in chars), "cell")])
        story.append(_grid(rows, [ctx.width * 0.35, ctx.width * 0.65]))
    return story


# ---------------------------------------------------------------------------------------------------------
# Determination and sign-off


def legal_basis(ctx: RecordContext, outcome: str | None = None) -> str:
    """What the decision rests on, from the outcome (a refusal under Art. 6 names the paragraphs that apply).

    Without ``outcome``: the licence's outcome, stated or following from the items' (``item_outcomes``).
    """
    outcome = outcome or io.overall_outcome(ctx.a)
    if outcome is None:
        return ctx.tri(None)
    text = ctx.g.catalogues.legal_bases.get(outcome, outcome)
    paragraphs = ctx.comma.join(ctx.a.article6.prohibiting()) or "—"
    return text.replace("{paragraphs}", paragraphs)


def overall_outcome_text(ctx: RecordContext) -> str:
    """The licence's outcome as printed: stated, or following from the items' outcomes (and said so)."""
    d = ctx.a.determination
    outcome = io.overall_outcome(ctx.a)
    if outcome is None:
        return ctx.tri(None)
    text = ctx.g.catalogues.outcomes.get(outcome, outcome)
    return text if d.outcome else f"{text} ({ctx.L('item_follows')})"


def item_outcome_lines(ctx: RecordContext) -> list[tuple[str, str, str, str]]:
    """Deciding item by item: (item, outcome, legal basis, note) for each item of the case, in case order, then
    any outcome whose index names no item; empty for one outcome for the whole licence."""
    a = ctx.a
    if not io.decided_by_item(a):
        return []
    have = io.by_item(a)
    lines = []
    for i, item in enumerate(a.case.items):
        name = ctx.g.t("item_named", n=i + 1, description=item.description.strip() or "—")
        o = have.get(i)
        if o is None:
            lines.append((name, ctx.L("item_undecided"), "—", ""))
        else:
            lines.append((name, ctx.g.catalogues.outcomes.get(o.outcome, o.outcome), legal_basis(ctx, o.outcome),
                          o.note))
    for o in io.unknown(a):
        lines.append((ctx.L("item_unknown", n=o.item + 1), ctx.g.catalogues.outcomes.get(o.outcome, o.outcome),
                      legal_basis(ctx, o.outcome), o.note))
    return lines


def _item_outcomes_table(ctx: RecordContext) -> Story:
    lines = item_outcome_lines(ctx)
    if not lines:
        return []
    head = [para(t, "cell_head") for t in (ctx.field("case", "items", "items"), ctx.L("item_outcome"),
                                            ctx.L("legal_basis"), ctx.L("item_note"))]
    rows: list[list[Flowable]] = [head]
    for name, outcome, basis, note in lines:
        rows.append([para(name, "cell"), para(outcome, "cell"), para(basis, "cell"), para(note or "—", "cell")])
    w = ctx.width
    return [para(ctx.L("item_outcomes"), "question"), _grid(rows, [w * 0.27, w * 0.2, w * 0.33, w * 0.2])]


def determination_section(ctx: RecordContext, screen: Screen) -> Story:
    d, s = ctx.a.determination, ctx.a.signoff
    f = lambda name, key=None: ctx.field("determination", name, key)  # noqa: E731
    story: Story = [CondPageBreak(40 * mm), _heading(screen.title)]
    if screen.legal_basis:
        story.append(para(screen.legal_basis, "small"))
    story += [para(f("overriding_risk", "overriding_risk"), "question"),
              _answer_line(ctx, d.overriding_risk),
              para(f("outcome", "outcome"), "question"),
              para(overall_outcome_text(ctx), "answer"),
              para(ctx.L("legal_basis"), "question"),
              para(legal_basis(ctx), "answer"),
              *_item_outcomes_table(ctx),
              para(f("gbv_ground", "gbv_ground"), "question"),
              para(ctx.tri(d.gbv_ground), "answer"),
              para(f("reasons"), "question"),
              para(d.reasons or "—", "answer")]
    if d.conditions or io.overall_outcome(ctx.a) == "authorise_with_conditions":
        story += [para(f("conditions", "conditions"), "question"), para(d.conditions or "—", "answer")]
    story += [para(f("review_date", "review_date"), "question"), para(ctx.when(d.review_date), "answer")]

    # Room to sign by hand: each signature box at least SIGNATURE_BOX high.
    box = Spacer(1, SIGNATURE_BOX)
    rows = [[para(h, "cell_head") for h in ("", ctx.L("signoff"), ctx.L("date"), ctx.L("signature"))],
            [para(f("officer", "officer"), "label"), para(s.officer or ctx.a.officer or "—", "cell"),
             para(ctx.when(s.officer_date), "cell"), box],
            [para(f("reviewer", "reviewer"), "label"), para(s.reviewer or "—", "cell"),
             para(ctx.when(s.reviewer_date), "cell"), box]]
    w = ctx.width
    table = _grid(rows, [w * 0.2, w * 0.35, w * 0.15, w * 0.3])
    table.setStyle(TableStyle([("ROWBACKGROUNDS", (0, 1), (-1, -1), [None])]))
    # The last answers of the determination and the sign-off share a page: a sign-off alone on a page, away
    # from what it signs, is what a reader distrusts. (One KeepTogether of plain flowables: a heading made
    # with _heading is a KeepTogether itself, and nesting them made the block always start a new page.)
    story.append(KeepTogether([para(f("reassessment_triggers", "triggers"), "question"),
                               para(d.reassessment_triggers or "—", "answer"),
                               Spacer(1, 4 * mm), para(ctx.L("signoff"), "h2"), table]))
    return story


# ---------------------------------------------------------------------------------------------------------
# Annex: the guidance shown at each screen


def annex(ctx: RecordContext) -> Story:
    g = ctx.g
    story: Story = [PageBreak(), _heading(ctx.L("annex")), para(ctx.L("annex_intro", version=g.stamp), "body")]

    def bullets(title_key: str, items: Iterable[str]) -> Story:
        items = list(items)
        if not items:
            return []
        return [_heading(ctx.L(title_key), "question"), *(rich([("• ", "regular"), (t, "regular")], "bullet")
                                                          for t in items)]

    for screen in g.screens:
        story += [CondPageBreak(30 * mm), _heading(flow.screen_label(g, screen), "h2")]
        # Every heading of the annex keeps with what follows it (_heading), as in the body of the record.
        if screen.legal_basis:
            story += [_heading(ctx.L("legal_basis"), "question"), para(screen.legal_basis, "body")]
        story += [_heading(ctx.L("purpose"), "question"), para(screen.purpose, "body")]
        if screen.order_note:
            story += [_heading(ctx.L("order_note"), "question"), para(screen.order_note, "body")]
        story += bullets("guiding_questions", screen.guiding_questions)
        story += bullets("indicators", screen.indicators)
        story += bullets("information_sources", screen.information_sources)
        story += bullets("examples", screen.examples)
        helps = [ctx.g.t("label_value", label=q.label, value=q.help) for q in screen.questions if q.help]
        story += bullets("questions_help", helps)
        for aid in screen.cross_cutting:
            try:
                adv = g.cross_cutting(aid)
            except KeyError:
                continue
            story += [_heading(adv.title, "question"), para(adv.text, "body")]
    return story


SECTION_BY_KIND: dict[str, Callable[[RecordContext, Screen], Story]] = {
    "case": case_section,
    "article6": article6_section,
    "step": step_section,
    "evidence": evidence_section,
    "summary": summary_section,
    "determination": determination_section,
}


def body(ctx: RecordContext, with_annex: bool, frame_height: float) -> Story:
    story = cover(ctx) + details(ctx)
    flowchart_done = False
    for screen in ctx.g.screens:
        if screen.kind == "step" and not flowchart_done:
            story += flowchart_section(ctx)
            flowchart_done = True
        story += SECTION_BY_KIND[screen.kind](ctx, screen)
    if with_annex:
        story += annex(ctx)
    return _keep_headings_with_tables(story, ctx.width, frame_height)
