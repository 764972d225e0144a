"""The flowchart on screen: the five steps in the wizard's order, with both numberings, drawn as SVG.

``svg`` is pure (guidance in, SVG text out), so it is tested without Streamlit; ``show`` puts it on the page
as an image (a ``data:`` URI made by ``st.image``), so nothing is fetched from anywhere and no HTML is
injected. The order, titles and numbers come from the guidance, like the record's figure
(``wizard/record_flowchart.py``), so the diagram can never disagree with the order the questions are asked in.

Two layouts: a row of boxes for the main column, and ``compact`` (a column of boxes) for the sidebar, where a
row would shrink its text below reading size.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

import streamlit as st

from wizard.flow import Position, step_positions
from wizard.guidance_schema import Guidance
from wizard.text_wrap import wrap

FONT = "Source Sans Pro, Helvetica, Arial, Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif"  # local fonts only
INK, MUTED, EDGE = "#1a1a1a", "#4a5968", "#4a5968"
FILL, MOVED_FILL, MOVED_INK = "#eef1f4", "#fff1d6", "#8a4b00"
CURRENT_EDGE, CURRENT_FILL = "#1f5fad", "#e3eefb"
DONE_INK = "#1e7b34"


@dataclass(frozen=True)
class _Box:
    pos: Position
    place: str  # "4 of 5"
    title: str
    number: str  # "flowchart step 5"
    moved: bool
    current: bool
    done: bool


def _boxes(guidance: Guidance, current: str | None, done: Iterable[str]) -> list[_Box]:
    finished = set(done)
    return [_Box(pos=p, place=guidance.t("flowchart_view_place", index=p.index, total=p.total),
                 title=p.screen.short_title or p.screen.title,
                 number=guidance.t("flowchart_step", n=p.flowchart_step),
                 moved=p.flowchart_step != p.index, current=p.screen.id == current,
                 done=p.screen.id in finished)
            for p in step_positions(guidance)]


def _width(text: str, size: float, bold: bool = False) -> float:
    """Roughly how wide ``text`` is drawn (no font metrics in an image: wide characters count as one em)."""
    em = 0.0
    for ch in text:
        if unicodedata.east_asian_width(ch) in ("W", "F"):
            em += 1.0
        elif ch in "il.,:;'!|· ":
            em += 0.32
        elif ch.isupper() or ch in "mw":
            em += 0.75
        else:
            em += 0.6  # DejaVu Sans, the usual sans-serif on Linux, is wide: better too wide than overlapping
    return em * size * (1.1 if bold else 1.0)


def _wrap(text: str, size: float, width: float, max_lines: int = 2, bold: bool = False) -> list[str]:
    return wrap(text, width, lambda t: _width(t, size, bold), max_lines)


def _text(x: float, y: float, text: str, size: float, *, fill: str = INK, bold: bool = False,
          anchor: str = "middle") -> str:
    weight = ' font-weight="bold"' if bold else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size:g}" fill="{fill}" text-anchor="{anchor}"'
            f"{weight}>{escape(text)}</text>")


def _rect(x: float, y: float, w: float, h: float, box: _Box) -> str:
    fill = CURRENT_FILL if box.current else MOVED_FILL if box.moved else FILL
    edge = CURRENT_EDGE if box.current else MOVED_INK if box.moved else EDGE
    stroke = 3 if box.current else 1.6 if box.moved else 1
    dash = ' stroke-dasharray="6 3"' if box.moved and not box.current else ""
    return (f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" rx="6" fill="{fill}" '
            f'stroke="{edge}" stroke-width="{stroke}"{dash}/>')


def _status(guidance: Guidance, box: _Box) -> tuple[str, str] | None:
    if box.current:
        return guidance.t("flowchart_view_current"), CURRENT_EDGE
    if box.done:
        return guidance.t("flowchart_view_done"), DONE_INK
    return None


def _row(guidance: Guidance, boxes: list[_Box]) -> tuple[float, float, list[str]]:
    """Boxes side by side, arrows between them: for the main column."""
    box_w, gap, pad = 136.0, 22.0, 4.0  # narrow boxes: the row stays readable when a column shrinks it
    box_h = 130.0 if any(b.current or b.done for b in boxes) else 110.0  # a line for the marks of state
    out: list[str] = []
    for i, b in enumerate(boxes):
        x, y = pad + i * (box_w + gap), pad
        out.append(f'<g class="step" data-step="{escape(b.pos.screen.id)}">')
        out.append(_rect(x, y, box_w, box_h, b))
        cx = x + box_w / 2
        out.append(_text(cx, y + 19, b.place, 14, bold=True, fill=CURRENT_EDGE if b.current else INK))
        lines = _wrap(b.title, 14, box_w - 12)
        for j, line in enumerate(lines):
            out.append(_text(cx, y + 40 + 17 * j, line, 14))
        out.append(_text(cx, y + 78, b.number, 12.5, bold=b.moved, fill=MOVED_INK if b.moved else MUTED))
        if b.moved:
            out.append(_text(cx, y + 100, guidance.t("flowchart_view_moved"), 12.5, bold=True, fill=MOVED_INK))
        status = _status(guidance, b)
        if status:
            out.append(_text(cx, y + 120, status[0], 12.5, bold=True, fill=status[1]))
        out.append("</g>")
        if i < len(boxes) - 1:
            ay, x0, x1 = y + box_h / 2, x + box_w + 3, x + box_w + gap - 3
            out.append(f'<line x1="{x0:.1f}" y1="{ay:.1f}" x2="{x1 - 7:.1f}" y2="{ay:.1f}" stroke="{EDGE}" '
                       f'stroke-width="1.6"/>')
            out.append(f'<polygon class="arrow" points="{x1 - 8:.1f},{ay - 5:.1f} {x1:.1f},{ay:.1f} '
                       f'{x1 - 8:.1f},{ay + 5:.1f}" fill="{EDGE}"/>')
    width = 2 * pad + len(boxes) * box_w + (len(boxes) - 1) * gap
    return width, 2 * pad + box_h, out


def _column(guidance: Guidance, boxes: list[_Box]) -> tuple[float, float, list[str]]:
    """Boxes one below the other, arrows down: for the sidebar. The state is a mark in a column of its own
    (the legend under the diagram says what the marks mean), so that the titles keep their room."""
    box_w, box_h, gap, pad, mark_w = 280.0, 50.0, 16.0, 3.0, 26.0
    out: list[str] = []
    for i, b in enumerate(boxes):
        x, y = pad, pad + i * (box_h + gap)
        out.append(f'<g class="step" data-step="{escape(b.pos.screen.id)}">')
        out.append(_rect(x, y, box_w, box_h, b))
        mark = (guidance.t("flowchart_view_current_mark"), CURRENT_EDGE) if b.current else \
            (guidance.t("flowchart_view_done_mark"), DONE_INK) if b.done else None
        if mark:
            out.append(_text(x + mark_w / 2 + 2, y + box_h / 2 + 6, mark[0], 17, bold=True, fill=mark[1]))
        tx = x + mark_w
        head_w = _width(b.place, 14, bold=True) + 7
        title = _wrap(b.title, 14, box_w - mark_w - 8 - head_w, max_lines=1)[0]
        out.append(f'<text x="{tx:.1f}" y="{y + 20:.1f}" font-size="14" fill="{INK}">'
                   f'<tspan font-weight="bold" fill="{CURRENT_EDGE if b.current else INK}">{escape(b.place)}</tspan>'
                   f'<tspan dx="7">{escape(title)}</tspan></text>')
        out.append(_text(tx, y + 40, b.number, 12.5, bold=b.moved, anchor="start",
                         fill=MOVED_INK if b.moved else MUTED))
        if b.moved:
            out.append(_text(x + box_w - 8, y + 40, guidance.t("flowchart_view_moved"), 12, bold=True,
                             fill=MOVED_INK, anchor="end"))
        out.append("</g>")
        if i < len(boxes) - 1:
            ax, y0, y1 = x + box_w / 2, y + box_h + 2, y + box_h + gap - 2
            out.append(f'<line x1="{ax:.1f}" y1="{y0:.1f}" x2="{ax:.1f}" y2="{y1 - 6:.1f}" stroke="{EDGE}" '
                       f'stroke-width="1.6"/>')
            out.append(f'<polygon class="arrow" points="{ax - 5:.1f},{y1 - 7:.1f} {ax:.1f},{y1:.1f} '
                       f'{ax + 5:.1f},{y1 - 7:.1f}" fill="{EDGE}"/>')
    return 2 * pad + box_w, 2 * pad + len(boxes) * box_h + (len(boxes) - 1) * gap, out


def alt(guidance: Guidance, current: str | None, done: Iterable[str]) -> str:
    """The diagram in words (the image's alternative text, and the SVG's title)."""
    steps = []
    for b in _boxes(guidance, current, done):
        text = guidance.t("flowchart_view_alt_step", place=b.place, title=b.title, flowchart=b.number)
        status = _status(guidance, b)
        marks = [guidance.t("flowchart_view_moved") if b.moved else "", status[0] if status else ""]
        steps.append(" ".join([text, *(f"({m})" for m in marks if m)]))
    return guidance.t("flowchart_view_alt", steps=guidance.t("flowchart_view_alt_separator").join(steps))


def svg(guidance: Guidance, current: str | None, done: set[str], compact: bool = False) -> str:
    """The five steps as an SVG document: ``current`` (a screen id) highlighted, the ids in ``done`` marked.

    Every piece of text is XML-escaped; the document refers to nothing outside itself.
    """
    boxes = _boxes(guidance, current, done)
    width, height, body = (_column if compact else _row)(guidance, boxes)
    label = alt(guidance, current, done)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
            f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-label={quoteattr(label)} '
            f'font-family={quoteattr(FONT)}>'
            f"<title>{escape(label)}</title>" + "".join(body) + "</svg>")


def show(guidance: Guidance, current: str | None, done: set[str], compact: bool = False) -> None:
    """The diagram and a short caption on why the order differs from the flowchart's numbers.

    ``compact`` for the sidebar (boxes in a column, as wide as the sidebar); otherwise a row at its own size,
    shrunk to fit a narrower column.
    """
    st.image(svg(guidance, current, done, compact=compact), width="stretch" if compact else "content",
             alt=alt(guidance, current, done))
    if compact:
        st.caption(f"{guidance.t('flowchart_view_legend')}  \n{guidance.t('flowchart_view_caption_compact')}")
    else:
        st.caption(guidance.t("flowchart_view_caption"))
