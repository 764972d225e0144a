"""The Article 7(4) guidance as a stand-alone fact sheet (PDF), generated from the guidance alone.

The ATT working group's report to CSP11 asks for the Article 7(4) guidance as a stand-alone fact sheet
(recommendation 46(f)). Everything on its pages comes from ``guidance/<lang>/``: the texts from the meta,
screen, glossary and reference files, every label and heading from the ``factsheet_`` strings of ``ui.yaml``
(the flowchart figure brings its own ``record_flowchart_`` strings), so each language the guidance gets also
gets its fact sheet. The text is never rewritten here; the only condensing is that a step's purpose is shown
by its first paragraph.

What it holds, in this order: a title block (title, guidance version, language) with the disclaimer; the
five steps as a flowchart in the wizard's order with the reason for that order; the Article 6 screen; per
step its purpose, key questions (guiding questions and the wizard's questions), indicators, information
sources and source line; the glossary (every term); the references (every work: title, author, year,
locator; works are numbered there, and a step's source line gives the numbers, linked). Everything is in two
columns below full-width headings. It is meant to fit in ``MAX_PAGES``: the layouts (``LAYOUTS``: first
without the glossary's "see also" lines, then smaller and smaller type) are tried from the roomiest to the most
compact and the first that fits is used; when none fits, the most compact one is returned and
``Factsheet.pages`` says how long it is (the command line warns). Nothing required is ever left out.

It reuses the record's fonts (DejaVu Sans and WenQuanYi Micro Hei, embedded, with per-character fallback),
its escaping (``record_text.markup``: text reaches a ``Paragraph`` only escaped) and its flowchart figure. The
same guidance and page size always give the same bytes (ReportLab's invariant mode, as in the record).

Entry points: ``build_factsheet`` here, ``python -m wizard factsheet`` (``wizard/cli.py``) and the download
button on the guidance page.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, SimpleDocTemplate
from reportlab.platypus.flowables import BalancedColumns

from wizard import contract, order
from wizard.guidance_schema import Guidance, Reference, Screen
from wizard.record_canvas import PagedCanvas
from wizard.record_flowchart import flowchart
from wizard.record_fonts import SANS, SANS_BOLD, Weight, has_cjk, register_fonts, runs
from wizard.record_text import INK, MUTED, RULE, SHADE, LinearSplitParagraph, SplitSafeCJKParagraph, markup

__all__ = ["LAYOUTS", "MAX_PAGES", "PAGE_SIZES", "RENDERER", "Factsheet", "build_factsheet", "file_name",
           "render_factsheet"]

PageSize = Literal["A4", "letter"]
PAGE_SIZES: dict[str, tuple[float, float]] = {"A4": A4, "letter": letter}
RENDERER = "att-7-4-wizard factsheet 1"
"""Written into the PDF's Creator; bumped when the layout changes."""
MAX_PAGES = 8

MARGIN_X = 15 * mm
MARGIN_TOP = 16 * mm
MARGIN_BOTTOM = 14 * mm
HEADER_Y = 9 * mm  # from the top edge to the header's baseline area
FOOTER_Y = 7 * mm
COLUMN_GAP = 12.0
ACCENT = colors.HexColor("#2E4A62")
NOTE_BG = colors.HexColor("#FFF1D6")
GIANT_HEAD = 300.0  # points: a heading taller than this (hostile text) may be split rather than kept whole


@dataclass(frozen=True)
class Layout:
    """How roomy the pages are: ``scale`` multiplies every type size and space of the body."""

    scale: float
    see_also: bool = True


LAYOUTS: tuple[Layout, ...] = (Layout(1.0), *(Layout(s, see_also=False) for s in (1.0, 0.94, 0.91, 0.88, 0.85,
                                                                                   0.82, 0.79, 0.76)))
"""From the roomiest to the most compact; the first whose fact sheet fits in ``MAX_PAGES`` is used."""


@dataclass(frozen=True)
class Factsheet:
    pdf: bytes
    pages: int
    layout: Layout


# ---------------------------------------------------------------------------------------------------------
# Styles and paragraphs (escaped through record_text.markup, with the record's CJK-safe paragraph classes)

# name: (font size, leading, space before, space after, other settings); sizes in points at scale 1
_SPECS: dict[str, tuple[float, float, float, float, dict[str, Any]]] = {
    "kicker": (8, 10, 0, 3, {"fontName": SANS_BOLD, "textColor": ACCENT}),
    "title": (15, 18.5, 0, 4, {"fontName": SANS_BOLD}),
    "subtitle": (9, 11.5, 0, 3, {"textColor": MUTED}),
    "stamp": (7.8, 10, 0, 6, {"textColor": MUTED}),
    "box": (8, 10.2, 4, 10, {"backColor": SHADE, "borderColor": RULE, "borderWidth": 0.5,
                             "borderPadding": (4, 5, 5, 5), "leftIndent": 5, "rightIndent": 5}),
    "h1": (11.5, 14, 6, 4, {"fontName": SANS_BOLD, "textColor": ACCENT}),
    "step_kicker": (7.8, 9.6, 9, 1, {"fontName": SANS_BOLD, "textColor": ACCENT}),
    "step_title": (10.5, 12.8, 0, 1, {"fontName": SANS_BOLD}),
    "basis": (7.4, 9.2, 0, 3, {"textColor": MUTED}),
    "body": (8.2, 10.5, 0, 3, {}),
    "note": (7.6, 9.6, 1, 5, {"backColor": NOTE_BG, "borderPadding": (2, 3, 3, 3), "leftIndent": 3,
                              "rightIndent": 3}),
    "caption": (7.4, 9.2, 2, 4, {"textColor": MUTED}),
    "h3": (8.2, 10.2, 3, 1, {"fontName": SANS_BOLD, "textColor": ACCENT}),
    "bullet": (7.8, 9.7, 0, 1, {"leftIndent": 7, "bulletIndent": 0, "bulletFontName": SANS}),
    "sources": (7.4, 9.2, 3, 1, {"textColor": MUTED}),
    "term": (7.5, 9.3, 0, 3, {}),
    "reference": (7, 8.7, 0, 2.5, {"leftIndent": 16, "bulletIndent": 0, "bulletFontName": SANS}),
}


@lru_cache(maxsize=256)
def _style(name: str, scale: float, cjk: bool) -> ParagraphStyle:
    size, leading, before, after, extra = _SPECS[name]
    kw: dict[str, Any] = {"fontName": SANS, "textColor": INK, "allowOrphans": 0, "allowWidows": 0,
                          "fontSize": size * scale, "leading": leading * scale, "spaceBefore": before * scale,
                          "spaceAfter": after * scale}
    kw.update(extra)
    if name == "bullet":
        kw.update(bulletFontSize=size * scale, leftIndent=7 * scale + 1)
    if name == "reference":
        kw.update(bulletFontSize=size * scale, leftIndent=16 * scale + 1)
    if cjk:
        kw["wordWrap"] = "CJK"
    return ParagraphStyle(f"factsheet-{name}-{scale}{'_cjk' if cjk else ''}", **kw)


# The page furniture keeps its size whatever the layout.
_HEADER = ParagraphStyle("factsheet-header", fontName=SANS, fontSize=7, leading=8.5, textColor=MUTED)
_HEADER_RIGHT = ParagraphStyle("factsheet-header-right", parent=_HEADER, fontName=SANS_BOLD, alignment=2)


class _Para(LinearSplitParagraph):
    """The record's paragraph, split the plain ReportLab way.

    The record's split hands the remainder all the fragments and the lines already broken, valid only while
    the remainder is laid out at exactly the same width. Balanced columns measure and split at widths that
    differ by rounding, and the remainder then drew the whole paragraph again. The fact sheet's paragraphs
    are short, so the quadratic cost that the record's split avoids does not arise here.
    """

    split = Paragraph.split


class _CJKPara(SplitSafeCJKParagraph):
    """The record's CJK paragraph (spaces kept across splits), split the plain ReportLab way (see ``_Para``)."""

    split = Paragraph.split


def _paragraph(pieces: Iterable[tuple[str, Weight]], style: ParagraphStyle, cjk_style: ParagraphStyle,
               bullet: str | None = None) -> Paragraph:
    """Like ``record_text.rich``: plain-text pieces, each regular or bold, escaped, CJK-safe."""
    pieces = list(pieces)
    body = "".join(markup(t, w) for t, w in pieces)
    if any(has_cjk(t) for t, _w in pieces):
        return _CJKPara(body, cjk_style, bulletText=bullet)
    return _Para(body, style, bulletText=bullet)


def _anchor(n: int) -> str:
    return f"factsheet-reference-{n}"


def _first_paragraph(text: str) -> str:
    """The first paragraph of a guidance text (the only way the fact sheet condenses anything)."""
    return text.strip().split("\n\n", 1)[0].strip()


def _one_line(text: str) -> str:
    return " ".join(text.split())


# ---------------------------------------------------------------------------------------------------------
# Keeping a heading with the start of what follows it


class Glued(Flowable):
    """Headings drawn with the start of the paragraph that follows them, never alone at a column or page foot.

    When the headings and the first lines of ``tail`` do not fit, the split is refused, so the whole moves on
    to the next column or page; only headings taller than ``GIANT_HEAD`` (hostile text) are given up and split
    like ordinary paragraphs, so that nothing can be too large for a page.
    """

    def __init__(self, heads: Sequence[Flowable], tail: Flowable):
        super().__init__()
        self.heads = list(heads)
        self.tail = tail

    def _heads_height(self, width: float) -> float:
        total = 0.0
        for i, f in enumerate(self.heads):
            _w, h = f.wrap(width, 1e9)
            total += h + f.getSpaceAfter() + (f.getSpaceBefore() if i else 0)
        return total

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # ReportLab's names
        self.width = availWidth
        heads = self._heads_height(availWidth)
        _w, h = self.tail.wrap(availWidth, max(availHeight - heads, 0.0))
        self.height = heads + self.tail.getSpaceBefore() + h
        return availWidth, self.height

    def getSpaceBefore(self) -> float:
        return self.heads[0].getSpaceBefore() if self.heads else self.tail.getSpaceBefore()

    def getSpaceAfter(self) -> float:
        return self.tail.getSpaceAfter()

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        heads = self._heads_height(availWidth)
        room = availHeight - heads - self.tail.getSpaceBefore()
        if room > 0:
            self.tail.wrap(availWidth, room)
            parts = self.tail.split(availWidth, room)
            if len(parts) == 2:
                return [Glued(self.heads, parts[0]), parts[1]]
        if heads > GIANT_HEAD:
            return [*self.heads, self.tail]
        return []

    def drawOn(self, canv: canvas.Canvas, x: float, y: float, _sW: float = 0) -> None:
        top = y + self.height
        for i, f in enumerate(self.heads):
            _w, h = f.wrap(self.width, 1e9)
            if i:
                top -= f.getSpaceBefore()
            top -= h
            f.drawOn(canv, x, top, _sW)
            top -= f.getSpaceAfter()
        top -= self.tail.getSpaceBefore()
        _w, h = self.tail.wrap(self.width, max(top - y, 0.0) + 1e-3)
        self.tail.drawOn(canv, x, top - h, _sW)


def _glue(heads: Sequence[Flowable], rest: Sequence[Flowable]) -> list[Flowable]:
    """The headings glued to the first of ``rest``; the headings alone when there is nothing after them."""
    if not rest:
        return list(heads)
    return [Glued(heads, rest[0]), *rest[1:]]


# ---------------------------------------------------------------------------------------------------------
# Page furniture: header with the title, footer with the version and "page X of Y"


@dataclass(frozen=True)
class Furniture:
    header_left: str
    header_right: str
    footer_left: str
    page_label: str  # with {page} and {pages}


def _text_width(text: str, size: float, weight: Weight = "regular") -> float:
    return sum(stringWidth(t, font if font not in (None, "\n") else SANS, size) for font, t in runs(text, weight))


def _fit(text: str, size: float, width: float, weight: Weight = "regular") -> str:
    """``text`` on one line of ``width``, cut with "…" when it is longer (the full text is on page 1)."""
    text = _one_line(text)
    if _text_width(text, size, weight) <= width:
        return text
    lo, hi = 0, len(text)
    while lo < hi:  # the longest prefix that fits with the ellipsis
        mid = (lo + hi + 1) // 2
        if _text_width(text[:mid].rstrip() + "…", size, weight) <= width:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + "…"


def _line(text: str, style: ParagraphStyle, width: float) -> Paragraph:
    weight: Weight = "bold" if style.fontName == SANS_BOLD else "regular"
    fitted = _fit(text, style.fontSize, width - 4, weight)
    return _paragraph([(fitted, weight)], style, ParagraphStyle(f"{style.name}_cjk", parent=style, wordWrap="CJK"))


class FactsheetCanvas(PagedCanvas):
    """The record's two-pass canvas with the fact sheet's header and footer; says how many pages it made."""

    def __init__(self, *args: Any, furniture: Furniture, **kwargs: Any):
        super().__init__(*args, furniture=furniture, **kwargs)
        self.page_count = 0

    def _finish(self, total: int) -> None:
        self.page_count = total  # after the loop: each page's saved state brings back the count of 0

    def _draw_furniture(self, total: int) -> None:
        f = self._furniture
        width, height = self._pagesize
        inner = width - 2 * MARGIN_X
        # The right-hand label ("Fact sheet", "Fiche d'information sur l'article 7 (4)") is short and read in
        # full: it gets the room it needs (up to 45 %); the long title on the left is cut with "…" instead.
        needed = _text_width(f.header_right, _HEADER_RIGHT.fontSize, "bold") + 8
        right_w = min(max(inner * 0.26, needed), inner * 0.45)
        left_w = inner - right_w
        self.saveState()
        for text, style, x, w, y in (
            (f.header_left, _HEADER, MARGIN_X, left_w, height - HEADER_Y),
            (f.header_right, _HEADER_RIGHT, MARGIN_X + left_w, right_w, height - HEADER_Y),
            (f.footer_left, _HEADER, MARGIN_X, left_w, FOOTER_Y),
            (f.page_label.format(page=self._pageNumber, pages=total), _HEADER_RIGHT, MARGIN_X + left_w, right_w,
             FOOTER_Y),
        ):
            p = _line(text, style, w)
            p.wrap(w, 20 * mm)
            p.drawOn(self, x, y)
        self.setStrokeColor(RULE)
        self.setLineWidth(0.5)
        self.line(MARGIN_X, height - HEADER_Y - 3, width - MARGIN_X, height - HEADER_Y - 3)
        self.line(MARGIN_X, FOOTER_Y + 10, width - MARGIN_X, FOOTER_Y + 10)
        self.restoreState()


# ---------------------------------------------------------------------------------------------------------
# The sections


class _Sheet:
    """What every section needs: the guidance, the frame width and the layout."""

    def __init__(self, g: Guidance, width: float, layout: Layout):
        self.g = g
        self.width = width
        self.layout = layout
        self._columns = 0

    def t(self, key: str, **kw: Any) -> str:
        return self.g.t(key, **kw)

    def rich(self, pieces: Iterable[tuple[str, Weight]], style: str = "body", bullet: str | None = None) -> Paragraph:
        s = self.layout.scale
        return _paragraph(pieces, _style(style, s, False), _style(style, s, True), bullet)

    def _markup(self, body: str, style: str, cjk: bool, bullet: str | None = None) -> Paragraph:
        """A paragraph of markup built here from escaped pieces (``markup``) and links between them."""
        st = _style(style, self.layout.scale, cjk)
        return (_CJKPara if cjk else _Para)(body, st, bulletText=bullet)  # a bullet is drawn as it is, unparsed

    def para(self, text: str, style: str = "body", weight: Weight = "regular") -> Paragraph:
        return self.rich([(text, weight)], style)

    def space(self, points: float) -> float:
        return points * self.layout.scale

    def columns(self, content: list[Flowable]) -> list[Flowable]:
        """Content in two balanced columns, which continue across pages when they must.

        ``endSlack=0``: ReportLab would otherwise let the last column run up to 10% past the foot of the
        page, over the footer or the next section.
        """
        if not content:
            return []
        self._columns += 1
        return [CondPageBreak(self.space(60)),
                BalancedColumns(content, nCols=2, innerPadding=COLUMN_GAP, leftPadding=0, rightPadding=0,
                                topPadding=0, bottomPadding=0, name=f"factsheet-columns-{self._columns}",
                                spaceAfter=self.space(3), endSlack=0)]

    def keep_room(self, heads: Sequence[Flowable]) -> Flowable:
        """A page break unless the full-width ``heads`` and the start of the columns after them fit here."""
        height = sum(f.wrap(self.width, 1e9)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in heads)
        # More than the columns' own CondPageBreak; capped, so that hostile headings taller than a page do not
        # ask for more room than any page has.
        return CondPageBreak(min(height, GIANT_HEAD) + self.space(75))

    def list_block(self, heading: str, items: Iterable[str]) -> list[Flowable]:
        rows = [self.rich([(text, "regular")], "bullet", bullet="•") for text in items if text.strip()]
        return _glue([self.para(heading, "h3")], rows) if rows else []

    # -- sections -------------------------------------------------------------------------------------

    def title_block(self) -> list[Flowable]:
        g = self.g
        stamp = self.t("factsheet_stamp", version=g.stamp, language=self.t("factsheet_language_name"),
                       code=g.language)
        return [
            self.para(self.t("factsheet_kicker"), "kicker"),
            self.para(g.meta.title, "title"),
            self.para(self.t("factsheet_subtitle"), "subtitle"),
            self.para(stamp, "stamp"),
            self.rich([(self.t("factsheet_disclaimer_heading"), "bold"), ("\n" + g.meta.disclaimer, "regular")]
                      + ([("\n" + notice, "regular")] if (notice := self.t("translation_notice")) else []), "box"),
        ]

    def order_section(self) -> list[Flowable]:
        heads = [self.para(self.t("factsheet_order_heading"), "h1"), flowchart(self.g, self.width),
                 self.para(self.t("factsheet_flowchart_caption"), "caption")]
        return [self.keep_room(heads), *heads, *self.columns([self.para(self.g.meta.order_reason, "body")])]

    def _screen_head(self, kicker: str, screen: Screen) -> list[Flowable]:
        heads = [self.para(kicker, "step_kicker"), self.para(screen.title, "step_title")]
        if screen.legal_basis:
            heads.append(self.para(screen.legal_basis, "basis"))
        return heads

    def _purpose(self, screen: Screen) -> Paragraph:
        return self.rich([(self.t("factsheet_purpose"), "bold"), (" " + _first_paragraph(screen.purpose), "regular")])

    def _number(self, ref_id: str) -> int | None:
        """A work's number in the references list (its place in references.yaml), by id."""
        for i, ref in enumerate(self.g.references, 1):
            if ref.id == ref_id:
                return i
        return None

    def source_line(self, screen: Screen) -> list[Flowable]:
        """``Sources: [1] [7]``: the numbers of the screen's works in the references list, linked to them."""
        if not screen.references:
            return []
        cites: list[str] = []
        for ref_id in screen.references:
            n = self._number(ref_id)
            if n is None:  # the loader refuses unknown ids; shown as the id rather than lost
                cites.append(markup(ref_id))
            else:
                cites.append(f'<a href="#{_anchor(n)}" color="{ACCENT.hexval()}">'
                             f"{markup(self.t('factsheet_citation', n=n))}</a>")
        before, found, after = self.t("factsheet_sources", sources="\x00").partition("\x00")
        if not found:  # a template without {sources}: the numbers follow it
            before, after = before + " ", ""
        body = markup(before) + markup(self.t("factsheet_citation_separator")).join(cites) + markup(after)
        cjk = has_cjk(before + after) or any(has_cjk(r) for r in screen.references)
        return [self._markup(body, "sources", cjk)]

    def _with_sources(self, cols: list[Flowable], screen: Screen) -> list[Flowable]:
        """The source line at the end of the columns, kept with the last item so that it never stands alone."""
        line = self.source_line(screen)
        if not line or not cols:
            return cols + line
        return [*cols[:-1], Glued([cols[-1]], line[0])]

    def article6_section(self) -> list[Flowable]:
        screen = next((s for s in self.g.screens if s.kind == "article6"), None)
        if screen is None:
            return []
        questions = [screen.fields[f.id].label for f in contract.ARTICLE6_FIELDS if f.id in screen.fields]
        heads = self._screen_head(self.t("factsheet_article6_kicker"), screen)
        out: list[Flowable] = [self.keep_room(heads), *heads]
        cols = [self._purpose(screen), *self.list_block(self.t("factsheet_article6_questions"), questions)]
        out += self.columns(self._with_sources(cols, screen))
        return out

    def step_section(self, pos: order.Position) -> list[Flowable]:
        screen = pos.screen
        kicker = self.t("factsheet_step_label", index=pos.index, total=pos.total, flowchart=screen.flowchart_step)
        heads = self._screen_head(kicker, screen)
        out: list[Flowable] = [self.keep_room(heads), *heads]
        cols: list[Flowable] = [self._purpose(screen)]
        if screen.order_note.strip():
            cols.append(self.rich([(self.t("factsheet_order_note"), "bold"), (" " + screen.order_note, "regular")],
                                  "note"))
        cols += self.list_block(self.t("factsheet_key_questions"), screen.guiding_questions)
        cols += self.list_block(self.t("factsheet_wizard_questions"), [q.label for q in screen.questions])
        cols += self.list_block(self.t("factsheet_indicators"), screen.indicators)
        cols += self.list_block(self.t("factsheet_information_sources"), screen.information_sources)
        out += self.columns(self._with_sources(cols, screen))
        return out

    def glossary_section(self) -> list[Flowable]:
        g = self.g
        by_id = {t.id: t.term for t in g.glossary}
        entries: list[Flowable] = []
        for term in sorted(g.glossary, key=lambda t: (t.term.casefold(), t.id)):
            pieces: list[tuple[str, Weight]] = [(term.term, "bold"), ("\n" + term.definition, "regular")]
            see = [by_id[i] for i in term.see_also if i in by_id]
            if see and self.layout.see_also:
                terms = self.t("factsheet_list_separator").join(see)
                pieces.append(("\n" + self.t("factsheet_see_also", terms=terms), "regular"))
            entries.append(self.rich(pieces, "term"))
        if not entries:
            return []
        heading = self.para(self.t("factsheet_glossary_heading"), "h1")
        return [self.keep_room([heading]), heading, *self.columns(entries)]

    def _reference(self, n: int, ref: Reference) -> Paragraph:
        details = [ref.author, *([str(ref.year)] if ref.year is not None else []),
                   *([ref.locator] if ref.locator else [])]
        pieces: list[tuple[str, Weight]] = [(ref.title, "bold"),
                                            (" " + self.t("factsheet_detail_separator").join(details), "regular")]
        body = f'<a name="{_anchor(n)}"/>' + "".join(markup(t, w) for t, w in pieces)
        return self._markup(body, "reference", any(has_cjk(t) for t, _w in pieces),
                            bullet=self.t("factsheet_citation", n=n))

    def references_section(self) -> list[Flowable]:
        if not self.g.references:
            return []
        heading = self.para(self.t("factsheet_references_heading"), "h1")
        return [self.keep_room([heading]), heading,
                *self.columns([self._reference(n, r) for n, r in enumerate(self.g.references, 1)])]

    def story(self) -> list[Flowable]:
        out: list[Flowable] = [*self.title_block(), *self.order_section(), *self.article6_section()]
        for pos in order.step_positions(self.g):
            out += self.step_section(pos)
        out += self.glossary_section()
        out += self.references_section()
        return out


# ---------------------------------------------------------------------------------------------------------
# The document


def file_name(g: Guidance) -> str:
    """``att-7-4-factsheet-<version>.pdf``, with anything but letters, digits, dot and hyphen made a hyphen."""
    safe = "".join(c if c.isascii() and (c.isalnum() or c in ".-") else "-" for c in g.version)
    return f"att-7-4-factsheet-{safe}.pdf"


def _build(g: Guidance, page_size: PageSize, layout: Layout) -> Factsheet:
    furniture = Furniture(
        header_left=g.meta.title,
        header_right=g.t("factsheet_header"),
        footer_left=g.t("factsheet_footer", version=g.stamp),
        page_label=g.t("factsheet_page_x_of_y"),
    )
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf, pagesize=PAGE_SIZES[page_size], leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=_one_line(g.t("factsheet_pdf_title", title=g.meta.title)),
        subject=_one_line(g.t("factsheet_pdf_subject", version=g.stamp)),
        author=_one_line(g.t("factsheet_pdf_author")),
        creator=RENDERER, producer=RENDERER,
        keywords=f"guidance={g.stamp}; language={g.language}; page_size={page_size}",
        lang=g.language,
        initialFontName=SANS,  # else ReportLab names Helvetica, a font that is not embedded, on every page
        invariant=1,  # no timestamps or random ids: the same input gives the same bytes; local to this doc
    )
    made: list[FactsheetCanvas] = []

    def canvasmaker(*args: Any, **kw: Any) -> FactsheetCanvas:
        c = FactsheetCanvas(*args, furniture=furniture, **kw)
        made.append(c)
        return c

    sheet = _Sheet(g, doc.width - 12, layout)  # the frame pads 6 pt each side
    doc.build(sheet.story(), canvasmaker=canvasmaker)
    return Factsheet(buf.getvalue(), made[-1].page_count, layout)


def render_factsheet(guidance: Guidance, page_size: PageSize = "A4") -> Factsheet:
    """The fact sheet in the roomiest layout that fits in ``MAX_PAGES`` (else the most compact one)."""
    if page_size not in PAGE_SIZES:
        raise ValueError(f"page size must be one of {', '.join(PAGE_SIZES)}, not {page_size!r}")
    register_fonts()
    built: dict[int, Factsheet] = {}

    def attempt(i: int) -> Factsheet:
        if i not in built:
            built[i] = _build(guidance, page_size, LAYOUTS[i])
        return built[i]

    # The page count falls as the layout gets more compact, so the first layout that fits is found by
    # bisection (about four builds instead of up to nine).
    lo, hi = 0, len(LAYOUTS) - 1
    if attempt(lo).pages <= MAX_PAGES:
        return attempt(lo)
    if attempt(hi).pages > MAX_PAGES:
        return attempt(hi)
    while hi - lo > 1:  # attempt(lo) does not fit, attempt(hi) fits
        mid = (lo + hi) // 2
        if attempt(mid).pages <= MAX_PAGES:
            hi = mid
        else:
            lo = mid
    return attempt(hi)


def build_factsheet(guidance: Guidance, page_size: PageSize = "A4") -> bytes:
    """The fact sheet as PDF bytes. The same guidance and page size always give the same bytes."""
    return render_factsheet(guidance, page_size).pdf
