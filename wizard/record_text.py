"""Paragraph styles and the one way text becomes a Paragraph in the record: escaped, font-fallback markup.

ReportLab parses a mini-XML markup inside ``Paragraph``; user text containing ``<b>`` or ``&`` would be
altered or would crash the build, so nothing reaches a Paragraph except through ``markup()``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph
from reportlab.platypus import paragraph as _rl_paragraph
from reportlab.platypus.paragraph import cjkFragSplit

from wizard.record_fonts import CJK, REPLACEMENT_COLOUR, SANS, SANS_BOLD, Weight, has_cjk, runs

INK = colors.HexColor("#1A1A1A")
MUTED = colors.HexColor("#555555")
RULE = colors.HexColor("#9AA5B1")
SHADE = colors.HexColor("#EEF1F4")
ALERT = colors.HexColor("#8A4B00")
BLOCK = colors.HexColor("#A50E1C")  # a blocking finding: red, and always with a word (greyscale copies)
BLOCK_BG = colors.HexColor("#FBE3E5")
ALERT_BG = colors.HexColor("#FFF1D6")


def _style(name: str, **kw: object) -> ParagraphStyle:
    base: dict[str, object] = {"fontName": SANS, "fontSize": 9, "leading": 12, "textColor": INK}
    base.update(kw)
    return ParagraphStyle(name, **base)  # type: ignore[arg-type]


STYLES: dict[str, ParagraphStyle] = {
    "body": _style("body", spaceAfter=3),
    "small": _style("small", fontSize=7.5, leading=9.5, textColor=MUTED),
    "cell": _style("cell", fontSize=8, leading=10),
    "cell_head": _style("cell_head", fontName=SANS_BOLD, fontSize=8, leading=10),
    "register": _style("register", fontSize=9, leading=11.5),
    "register_note": _style("register_note", fontSize=9, leading=11.5, spaceBefore=2),
    "title": _style("title", fontName=SANS_BOLD, fontSize=17, leading=21, spaceAfter=4),
    "subtitle": _style("subtitle", fontSize=10.5, leading=14, textColor=MUTED, spaceAfter=10),
    "h1": _style("h1", fontName=SANS_BOLD, fontSize=13, leading=16, spaceBefore=6, spaceAfter=6),
    "h2": _style("h2", fontName=SANS_BOLD, fontSize=10.5, leading=13, spaceBefore=8, spaceAfter=3),
    "question": _style("question", fontName=SANS_BOLD, fontSize=9, leading=12, spaceBefore=6, spaceAfter=2),
    "answer": _style("answer", leftIndent=10, spaceAfter=2),
    "insufficient": _style("insufficient", fontName=SANS_BOLD, leftIndent=10, textColor=ALERT,
                           backColor=ALERT_BG, borderPadding=(2, 3, 2, 3), spaceBefore=2, spaceAfter=4),
    "label": _style("label", fontName=SANS_BOLD, fontSize=8, leading=10, textColor=MUTED),
    "box_head": _style("box_head", fontName=SANS_BOLD, fontSize=11, leading=14),
    "fingerprint": _style("fingerprint", fontSize=8, leading=10),
    "bullet": _style("bullet", leftIndent=12, bulletIndent=2, spaceAfter=1),
    "watermark": _style("watermark", fontName=SANS_BOLD, alignment=TA_CENTER),
    "header": _style("header", fontSize=7.5, leading=9, textColor=MUTED),
    "header_right": _style("header_right", fontName=SANS_BOLD, fontSize=7.5, leading=9, alignment=2),
    "marking": _style("marking", fontName=SANS_BOLD, fontSize=9, leading=10.5, alignment=1),
    "decision": _style("decision", fontName=SANS_BOLD, fontSize=15, leading=19, spaceBefore=2, spaceAfter=4),
    "alert_head": _style("alert_head", fontName=SANS_BOLD, fontSize=10, leading=13, textColor=BLOCK),
    "alert": _style("alert", fontName=SANS_BOLD, fontSize=9, leading=12, textColor=BLOCK),
}


_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")


def visual(text: str) -> str:
    """Right-to-left text (Arabic, Hebrew) as it is drawn: Arabic letters in their joined forms
    (arabic-reshaper), and each line in display order (python-bidi, the Unicode bidirectional algorithm, on a
    left-to-right line as the record's are). Text without such letters is returned as it is."""
    if not _RTL.search(text):
        return text
    import arabic_reshaper
    from bidi import get_display

    return get_display(arabic_reshaper.reshape(text), base_dir="L")


def markup(text: str, weight: Weight = "regular") -> str:
    """Escaped Paragraph markup for ``text``, switching font per run and marking unshowable characters."""
    text = visual(text)
    parts: list[str] = []
    for font, t in runs(text, weight):
        if font == "\n":
            parts.append("<br/>")
        elif font is None:
            parts.append(f'<font name="{SANS}" color="{REPLACEMENT_COLOUR}">{escape(t)}</font>')
        elif font == CJK:
            parts.append(f'<font name="{CJK}">{escape(t)}</font>')
        else:
            parts.append(escape(t))
    body = "".join(parts)
    return f"<b>{body}</b>" if weight == "bold" and body else body


class LinearSplitParagraph(Paragraph):
    """A Paragraph whose page-split remainder reuses the lines already broken, instead of breaking them again.

    ReportLab re-breaks the whole remainder after every page split, so a 100,000-character reason spread
    over 30 pages took seconds (quadratic). The remainder's lines are exactly the original lines after the
    split point when the width is the same (greedy line breaking restarts at a line start), so they are kept.
    """

    _rest: tuple[list[float], object] | None = None

    def split(self, availWidth, availHeight):  # ReportLab's names
        parts = super().split(availWidth, availHeight)
        if len(parts) == 2 and hasattr(self, "blPara") and self.style.firstLineIndent == 0:
            first, rest = parts
            done = len(first.blPara.lines)
            rest._rest = (list(self._wrapWidths), self.blPara.clone(lines=self.blPara.lines[done:]))
            rest.frags = self.frags  # reused lines index into these fragments (sFW), not into a slice
        return parts

    def _reused(self, widths: list[float]) -> object | None:
        if self._rest is not None and list(widths) == self._rest[0]:
            return self._rest[1]
        return None

    def _once_per_width(self, width, breaker):
        # Tables wrap each cell several times at the same width while they size rows and split; breaking
        # the lines once per width is enough (the result depends only on the text, the style and the width).
        key = tuple(width) if isinstance(width, list | tuple) else width
        memo = self.__dict__.get("_broken")
        if memo is not None and memo[0] == key:
            return memo[1]
        lines = breaker(width)
        self._broken = (key, lines)
        return lines

    def breakLines(self, width):  # ReportLab's name
        return self._once_per_width(width, lambda w: self._reused(w) or super(LinearSplitParagraph, self)
                                    .breakLines(w))


# Chinese closing punctuation never starts a line (the W3C's Chinese layout requirements, CLREQ): ReportLab's
# list of characters that cannot start a line is Japanese and lacks the full-width comma, semicolon, colon,
# question and exclamation marks, so a Chinese record could begin a line with "，". ``cjkFragSplit`` reads the
# list from its module when it breaks a line: the character then hangs at the end of the line before.
CHINESE_CANNOT_START = "，；：？！、。）》」』】〕〉”’"
_rl_paragraph.ALL_CANNOT_START = _rl_paragraph.ALL_CANNOT_START + "".join(
    c for c in CHINESE_CANNOT_START if c not in _rl_paragraph.ALL_CANNOT_START)


class SplitSafeCJKParagraph(LinearSplitParagraph):
    """A ``wordWrap='CJK'`` paragraph that keeps every space when it is split across pages.

    ReportLab 5.1 takes a fast path for single-fragment CJK paragraphs whose continuation, after a page
    split, is rebuilt by joining the line strings with "" (so "word84 word85" becomes "word84word85"). The
    general path (``cjkFragSplit``) keeps each line's trailing space in the line itself, so it is used always,
    and the split halves are rebuilt from the lines' fragments without inserting anything.
    """

    def breakLinesCJK(self, maxWidths):  # ReportLab's name
        if not isinstance(maxWidths, list | tuple):
            maxWidths = [maxWidths]
        if hasattr(self, "blPara") and getattr(self, "_splitpara", 0):
            return self.blPara
        return self._once_per_width(maxWidths, self._break_cjk)

    def _break_cjk(self, maxWidths):
        reused = self._reused(maxWidths)
        if reused is not None:
            return reused
        auto = getattr(self, "autoLeading", getattr(self.style, "autoLeading", ""))
        return cjkFragSplit(self.frags, maxWidths, auto not in ("", "off"))

    def _get_split_blParaFunc(self):
        def split_lines(bl_para, start, stop):
            return [w for line in bl_para.lines[start:stop] for w in line.words]
        return split_lines


@lru_cache(maxsize=64)
def _cjk_variant(style_name: str) -> ParagraphStyle:
    return ParagraphStyle(f"{style_name}_cjk", parent=STYLES[style_name], wordWrap="CJK")


def para(text: str, style: str = "body", weight: Weight = "regular") -> Paragraph:
    """A Paragraph of plain (user or guidance) text. CJK line breaking only when the text contains CJK."""
    return rich([(text, weight)], style)


Piece = tuple[str, Weight] | tuple[str, Weight, str]
"""Plain text, its weight, and optionally where it links to ("#src-S3" inside the record, or a web address)."""
LINK_COLOUR = "#1F4E9E"
_WEB = re.compile(r"https?://[^\s<>\"]+[^\s<>\".,;:!?)\]]")


def web_links(text: str, weight: Weight = "regular") -> list[Piece]:
    """``text`` with each web address a link to itself (a reader asks before opening it)."""
    out: list[Piece] = []
    at = 0
    for m in _WEB.finditer(text):
        if m.start() > at:
            out.append((text[at:m.start()], weight))
        out.append((m.group(0), weight, m.group(0)))
        at = m.end()
    if at < len(text) or not out:
        out.append((text[at:], weight))
    return out


def _piece_markup(piece: Piece) -> str:
    body = markup(piece[0], piece[1])
    if len(piece) == 3 and body:
        return f'<a href="{escape(piece[2], {chr(34): "&quot;"})}" color="{LINK_COLOUR}">{body}</a>'
    return body


def rich(pieces: Iterable[Piece], style: str = "body", anchor: str | None = None) -> Paragraph:
    """A Paragraph of several plain-text pieces, each regular or bold (e.g. a label and a value), some of them
    links; ``anchor`` names the paragraph as a link target ("src-S3")."""
    pieces = list(pieces)
    body = "".join(_piece_markup(p) for p in pieces)
    if anchor:
        body = f'<a name="{escape(anchor)}"/>' + body
    if any(has_cjk(p[0]) for p in pieces):
        return SplitSafeCJKParagraph(body, _cjk_variant(style))
    return LinearSplitParagraph(body, STYLES[style])
